/**
 * The durable queue on a real folder: FIFO per signal, ack/nack, recovery
 * after a "crash" (the queue object abandoned without close, as SIGKILL
 * leaves it), torn and corrupt records, the byte budget, max_age, write
 * errors, and that stored entries are independent copies (encoded bytes).
 */
import assert from 'node:assert/strict';
import { capturingLogger } from '../../helpers/test-host';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiskQueue, type DiskQueueOptions } from '../../../agent/queue';
import { HEADER_BYTES, scanRecords } from '../../../agent/queue/record-format';
import { spans, spanNames } from '../exporters/otlp/fixtures';
import type { ExportTraceServiceRequest } from '../../../agent/otlp/model';
import { encodeProtoRequest } from '../../../agent/otlp/codec';
import { joined } from '../../../agent/exporters/otlp/encode';

type Line = Record<string, unknown>;
const LEVEL = { info: 30, warn: 40, error: 50 };

describe('DiskQueue', () => {
  let dir: string;
  let lines: Line[];
  const open: DiskQueue[] = [];
  let logger: ReturnType<typeof capturingLogger>;
  const make = (opts: Partial<DiskQueueOptions> = {}) => {
    const q = new DiskQueue({ dir, maxBytes: 64 << 20, syncIntervalMs: 0, logger, ...opts });
    open.push(q);
    return q;
  };
  const names = (q: DiskQueue, max = 1_000_000) => q.take('traces', max).flatMap((e) => spanNames([e.data as ExportTraceServiceRequest]));
  const segments = () => fs.readdirSync(path.join(dir, 'traces')).filter((n) => n.endsWith('.seg')).map((n) => path.join(dir, 'traces', n));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-disk-queue-'));
    lines = [];
    logger = capturingLogger(lines);
  });
  afterEach(() => {
    for (const q of open.splice(0)) q.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps FIFO order per signal, with ack and nack as the memory queue', () => {
    const q = make();
    assert.equal(q.durable, true);
    assert.equal(q.sizer, 'bytes');
    for (let i = 0; i < 3; i++) assert.ok(q.offer('traces', spans(2, i * 2), 2));
    assert.deepEqual(q.pending('traces').entries, 3);
    const first = q.take('traces', 4);
    assert.equal(first.length, 2);
    assert.deepEqual(spanNames(first.map((e) => e.data as ExportTraceServiceRequest)), ['s0', 's1', 's2', 's3']);
    q.nack(first);
    assert.deepEqual(names(q), ['s0', 's1', 's2', 's3', 's4', 's5'], 'nacked entries come first again, in order');
    assert.equal(q.size('traces').entries, 3, 'taken entries stay held until acked');
  });

  it('stores encoded bytes: changing the offered object afterwards changes nothing queued', () => {
    const q = make();
    const req = spans(1);
    q.offer('traces', req, 1);
    req.resourceSpans[0].scopeSpans[0].spans[0].name = 'mutated';
    const [e] = q.take('traces', 10);
    assert.ok(e.encoded && e.encoded.byteLength > 0);
    assert.deepEqual(spanNames([e.data as ExportTraceServiceRequest]), ['s0']);
  });

  it('reads a taken batch into one buffer: the payloads back to back, each the bytes offered', () => {
    // Tiny segments: the batch spans several files.
    const q = make({ segmentBytes: 64 });
    const offered = [spans(1, 0), spans(3, 1), spans(2, 4)].map((r) => encodeProtoRequest('traces', r));
    for (const b of offered) assert.ok(q.offer('traces', spans(1), 1, b));
    const taken = q.take('traces', 100);
    assert.deepEqual(taken.map((e) => Buffer.from(e.encoded!)), offered.map((b) => Buffer.from(b)));
    const one = joined(taken.map((e) => e.encoded!));
    assert.equal(one.buffer, taken[0].encoded!.buffer, 'one ArrayBuffer for the batch: the exporter sends it without a copy');
    assert.deepEqual(Buffer.from(one), Buffer.concat(offered));
  });

  it('an entry that cannot be read back is dropped and counted; the rest of the batch still lies back to back', () => {
    const q = make({ segmentBytes: 64 });
    for (let i = 0; i < 3; i++) assert.ok(q.offer('traces', spans(1, i), 1));
    const again = make({ segmentBytes: 64 }); // a restart: segments opened for reading afresh
    fs.rmSync(segments().sort()[1]);
    const taken = again.take('traces', 100);
    assert.deepEqual(spanNames(taken.map((e) => e.data as ExportTraceServiceRequest)), ['s0', 's2']);
    assert.equal(again.durableStats('traces').corruptRecords, 1);
    assert.equal(joined(taken.map((e) => e.encoded!)).buffer, taken[0].encoded!.buffer);
    assert.ok(lines.some((l) => l.level === LEVEL.error && /entry dropped/.test(String(l.msg))), 'logged');
  });

  it('after a crash (no close) every entry not acked is waiting again, in order, and counted as redelivered', () => {
    const q1 = make();
    for (let i = 0; i < 5; i++) q1.offer('traces', spans(1, i), 1);
    q1.ack(q1.take('traces', 2)); // s0, s1 delivered
    q1.take('traces', 1); // s2 in flight when the process dies
    const q2 = make();
    assert.deepEqual(q2.size('traces'), { entries: 3, items: 3, bytes: q2.size('traces').bytes });
    assert.deepEqual(names(q2), ['s2', 's3', 's4']);
    assert.equal(q2.durableStats('traces').redeliveredItems, 3);
    assert.ok(lines.some((l) => /3 traces entries \(3 items\) left by the previous run/.test(String(l.msg))), JSON.stringify(lines));
    // New entries after recovery come after the recovered ones and survive another restart.
    q2.offer('traces', spans(1, 5), 1);
    const q3 = make();
    assert.deepEqual(names(q3), ['s2', 's3', 's4', 's5']);
  });

  it('deletes segment files once everything in them is acked', () => {
    const q = make({ segmentBytes: 2000 });
    for (let i = 0; i < 20; i++) q.offer('traces', spans(1, i), 1);
    assert.ok(segments().length > 2, `several segments: ${segments().length}`);
    const bytes = q.size().bytes;
    q.ack(q.take('traces', 10));
    assert.ok(q.size().bytes < bytes);
    q.ack(q.take('traces', 100));
    assert.equal(segments().length, 0, 'all acked: no segment left');
    assert.equal(q.size().bytes, 0);
    q.offer('traces', spans(1, 99), 1);
    assert.deepEqual(names(make()), ['s99'], 'acked entries never come back');
  });

  it('a torn last record (power-cut truncation): the valid prefix is kept, the rest moved aside, logged and counted', () => {
    const q1 = make();
    for (let i = 0; i < 4; i++) q1.offer('traces', spans(3, i * 3), 3);
    const [seg] = segments();
    fs.truncateSync(seg, fs.statSync(seg).size - 7);
    const q2 = make();
    assert.deepEqual(names(q2), ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8']);
    const stats = q2.durableStats('traces');
    assert.equal(stats.corruptRecords, 1, 'one unreadable record');
    assert.equal(stats.corruptItems, 0, 'its item count is unknown');
    const moved = fs.readdirSync(path.join(dir, 'traces')).filter((n) => n.includes('.corrupt-'));
    assert.equal(moved.length, 1);
    const line = lines.find((l) => l.level === LEVEL.error);
    assert.ok(line && String(line.msg).includes(seg) && String(line.msg).includes(moved[0]), JSON.stringify(lines));
  });

  it('a corrupt page in the middle: the prefix before it is delivered, the readable records after it are counted as lost', () => {
    const q1 = make();
    for (let i = 0; i < 6; i++) q1.offer('traces', spans(2, i * 2), 2);
    const [seg] = segments();
    const buf = fs.readFileSync(seg);
    const third = scanRecords(buf).records[2];
    buf[third.payloadOffset + 10] ^= 0xff; // inside the third record's payload
    fs.writeFileSync(seg, buf);
    const q2 = make();
    assert.deepEqual(names(q2), ['s0', 's1', 's2', 's3']);
    const stats = q2.durableStats('traces');
    assert.equal(stats.corruptRecords, 4, 'the bad record and the three after it');
    assert.equal(stats.corruptItems, 6, 'the items of the three readable records after it');
    assert.equal(fs.statSync(seg).size, third.payloadOffset - HEADER_BYTES, 'the segment is cut to its valid prefix');
    q2.offer('traces', spans(1, 50), 1);
    assert.deepEqual(names(make()), ['s0', 's1', 's2', 's3', 's50'], 'and keeps working');
  });

  it('a corrupt ack file: everything still on disk is sent again (never skipped)', () => {
    const q1 = make();
    for (let i = 0; i < 3; i++) q1.offer('traces', spans(1, i), 1);
    q1.ack(q1.take('traces', 1));
    fs.writeFileSync(path.join(dir, 'traces', 'ack'), 'garbage');
    assert.deepEqual(names(make()), ['s0', 's1', 's2']);
    assert.ok(lines.some((l) => l.level === LEVEL.warn && /ack is corrupt/.test(String(l.msg))));
  });

  it('refuses offers beyond max_bytes (shared by all signals) and accepts again once acked', () => {
    const one = Buffer.byteLength(JSON.stringify(spans(1))); // an upper bound is enough here
    const q = make({ maxBytes: 3 * one });
    let accepted = 0;
    while (q.offer('traces', spans(1, accepted), 1)) accepted++;
    assert.ok(accepted >= 2, `accepted ${accepted}`);
    assert.equal(q.offer('logs', { resourceLogs: [] } as never, 0) || q.size().bytes <= 3 * one, true);
    assert.ok(q.size().bytes <= 3 * one);
    q.ack(q.take('traces', 100));
    assert.ok(q.offer('traces', spans(1, 100), 1));
  });

  it('a single request larger than max_bytes still fits into an empty queue (else the sender would retry forever)', () => {
    const q = make({ maxBytes: 10 });
    assert.ok(q.offer('traces', spans(5), 5));
    assert.equal(q.offer('traces', spans(1), 1), false);
  });

  it('max_age: entries that waited too long are dropped when due, and counted', () => {
    let now = 1_000_000;
    const q = make({ maxAgeMs: 1000, now: () => now });
    q.offer('traces', spans(2), 2);
    now += 500;
    q.offer('traces', spans(1, 2), 1);
    now += 700;
    assert.deepEqual(names(q), ['s2']);
    assert.equal(q.durableStats('traces').expiredItems, 2);
  });

  it('a failing write (e.g. a full disk) refuses the offer, counts and logs it, and leaves no torn record', () => {
    const q = make();
    q.offer('traces', spans(1), 1);
    const [seg] = segments();
    const size = fs.statSync(seg).size;
    const orig = fs.writevSync;
    (fs as { writevSync: unknown }).writevSync = () => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); };
    try {
      assert.equal(q.offer('traces', spans(1, 1), 1), false);
      assert.equal(q.offer('traces', spans(1, 2), 1), false);
    } finally {
      (fs as { writevSync: unknown }).writevSync = orig;
    }
    assert.equal(q.durableStats('traces').writeErrors, 2);
    assert.equal(lines.filter((l) => /ENOSPC/.test(String(l.msg))).length, 1, 'logged once per interval');
    assert.equal(fs.statSync(seg).size, size);
    assert.ok(q.offer('traces', spans(1, 3), 1));
    assert.deepEqual(names(make()), ['s0', 's3']);
  });

  it('keeps signals apart: each has its own order and files', () => {
    const q = make();
    q.offer('logs', { resourceLogs: [] } as never, 0);
    q.offer('traces', spans(1), 1);
    assert.equal(q.pending('logs').entries, 1);
    assert.equal(q.pending('metrics').entries, 0);
    assert.deepEqual(names(q), ['s0']);
    assert.ok(fs.existsSync(path.join(dir, 'logs')));
  });
});
