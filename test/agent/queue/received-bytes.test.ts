/**
 * offer(signal, data, items, encoded): the bytes a request was received as
 * are stored instead of encoding `data` again (byte forwarding), in both
 * queues; the memory queue copies a view out of a larger buffer so a small
 * entry never keeps a whole socket read alive.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { DiskQueue, MemoryQueue } from '../../../agent/queue';
import { decodeProtoRequest, encodeProtoRequest } from '../../../agent/otlp/codec';
import type { ExportTraceServiceRequest } from '../../../agent/otlp/model';

const request = (name: string): ExportTraceServiceRequest => ({
  resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name, startTimeUnixNano: 1, endTimeUnixNano: 2 }] }] }],
} as unknown as ExportTraceServiceRequest);

describe('queues: storing the received bytes', () => {
  it('the memory queue stores the given bytes (not an encoding of data), copied out of a larger buffer', () => {
    const q = new MemoryQueue(100);
    const received = Buffer.from(encodeProtoRequest('traces', request('received')));
    // A view into a larger allocation, as a socket read hands out.
    const big = Buffer.alloc(64 * 1024);
    received.copy(big, 100);
    const view = big.subarray(100, 100 + received.length);
    assert.ok(q.offer('traces', request('decoded'), 1, view));
    const [entry] = q.take('traces', 10);
    assert.ok(Buffer.from(entry.encoded!).equals(received), 'the received bytes are what is held');
    assert.equal(entry.encoded!.buffer.byteLength, received.length, 'held in a buffer of its own');
    assert.equal((entry.data as ExportTraceServiceRequest).resourceSpans[0].scopeSpans[0].spans[0].name, 'received');
  });

  it('the disk queue writes the given bytes as they are; without them it encodes data', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-received-'));
    const q = new DiskQueue({ dir, maxBytes: 1 << 20, syncIntervalMs: 0, logger: pino({ level: 'silent' }) });
    try {
      const received = Buffer.from(encodeProtoRequest('traces', request('received')));
      assert.ok(q.offer('traces', request('decoded'), 1, received));
      assert.ok(q.offer('traces', request('encoded here'), 1));
      const [a, b] = q.take('traces', 10);
      assert.ok(Buffer.from(a.encoded!).equals(received));
      assert.equal(decodeProtoRequest('traces', b.encoded!).resourceSpans[0].scopeSpans[0].spans[0].name, 'encoded here');
    } finally {
      q.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
