/**
 * Retry-After grows while back-pressure lasts (issue 8, item 7): the
 * receiver's Ingest asks senders refused by a full exporter queue to wait
 * 1 s, then 2 s, 4 s ... and starts again at 1 s after an accepted request.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { RetryableError } from '../../../../agent/component/component';
import { ConsumerRefusal, Ingest } from '../../../../agent/receivers/otlp/ingest';
import { GrowingRetryAfter } from '../../../../agent/receivers/otlp/retry-after';
import { ReceiverTelemetry } from '../../../../agent/receivers/otlp/telemetry';
import { RecordingConsumer, testHost } from './host';
import type { ExportLogsServiceRequest } from '../../../../agent/otlp/model';

const logs = (): ExportLogsServiceRequest => ({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x' } }] }] }] } as unknown as ExportLogsServiceRequest);

describe('Retry-After under lasting back-pressure', () => {
  it('doubles per elapsed delay while the queue stays full, resets after an accepted request', async () => {
    const host = testHost();
    let now = 0;
    const next = new RecordingConsumer();
    const ingest = new Ingest(next, new ReceiverTelemetry(host.meter, 'otlp'), pino({ level: 'silent' }), { retryAfter: new GrowingRetryAfter(1, 8, () => now) });
    const retryAfter = async (): Promise<number | undefined> => {
      try {
        await ingest.export('logs', logs(), 'http');
        return undefined;
      } catch (err) {
        assert.ok(err instanceof ConsumerRefusal);
        return err.failure.retryAfterSeconds;
      }
    };
    next.behaviour = () => { throw new RetryableError('queue is full'); };
    const seen: (number | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      seen.push(await retryAfter());
      now += (seen[i] ?? 1) * 1000; // the sender honours it and comes back
    }
    assert.deepEqual(seen, [1, 2, 4, 8, 8]);
    next.behaviour = undefined;
    assert.equal(await retryAfter(), undefined, 'accepted');
    next.behaviour = () => { throw new RetryableError('queue is full'); };
    assert.equal(await retryAfter(), 1, 'a new episode starts at the initial delay');
    await host.cleanup();
  });
});
