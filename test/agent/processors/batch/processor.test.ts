/**
 * The batch processor: sends at send_batch_size or after timeout, cuts at
 * send_batch_max_size, answers each caller with the outcome downstream
 * (lossless: a refusal reaches every caller), flushes at shutdown.
 */
import assert from 'node:assert/strict';
import { RetryableError } from '../../../../agent/component/component';
import { batchConfigSchema, BatchProcessor } from '../../../../agent/processors/batch';
import { countSpans } from '../../../../agent/otlp/count';
import type { ExportTraceServiceRequest } from '../../../../agent/otlp/model';
import { RecordingConsumer, testHost, counterValue } from '../../../helpers/test-host';

function spans(n: number, tag: string): ExportTraceServiceRequest {
  return { resourceSpans: [{ scopeSpans: [{ spans: Array.from({ length: n }, (_, i) => ({ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, i + 1), name: `${tag}-${i}` })) }] }] } as never;
}

describe('batch processor', function () {
  this.timeout(10_000);

  it('holds requests until send_batch_size items wait, then sends one merged request and answers every caller', async () => {
    const next = new RecordingConsumer();
    const host = testHost();
    const p = new BatchProcessor('batch', batchConfigSchema.parse({ send_batch_size: 5, timeout: '1h' }), next);
    await p.start(host);
    let settled = 0;
    const a = p.consume('traces', spans(2, 'a')).then(() => settled++);
    const b = p.consume('traces', spans(2, 'b')).then(() => settled++);
    await new Promise((r) => setImmediate(r));
    assert.equal(next.received.length, 0, 'nothing sent below send_batch_size');
    assert.equal(settled, 0, 'callers wait for their batch to be accepted downstream');
    await Promise.all([a, b, p.consume('traces', spans(1, 'c'))]);
    assert.equal(next.received.length, 1);
    assert.equal(countSpans(next.of('traces')[0]), 5);
    assert.equal(await counterValue(host, 'lookout_processor_batch_sends_total', { trigger: 'size' }), 1);
    await p.shutdown();
    await host.cleanup();
  });

  it('sends what waits after timeout, cut at send_batch_max_size', async () => {
    const next = new RecordingConsumer();
    const p = new BatchProcessor('batch', batchConfigSchema.parse({ send_batch_size: 100, send_batch_max_size: 100, timeout: '20ms' }), next);
    const host = testHost();
    await p.start(host);
    const started = Date.now();
    await p.consume('traces', spans(3, 'x'));
    assert.ok(Date.now() - started >= 15, 'waited for the timeout');
    assert.equal(countSpans(next.of('traces')[0]), 3);
    // One request over the max is cut into parts.
    const big = new BatchProcessor('batch', batchConfigSchema.parse({ send_batch_size: 2, send_batch_max_size: 2, timeout: '1h' }), next);
    next.clear();
    await big.consume('traces', spans(5, 'big'));
    assert.deepEqual(next.of('traces').map(countSpans), [2, 2, 1]);
    await p.shutdown();
    await big.shutdown();
    await host.cleanup();
  });

  it('a refusal downstream reaches every caller of the batch (nothing is acknowledged that only the processor holds)', async () => {
    const next = new RecordingConsumer();
    next.behaviour = () => { throw new RetryableError('queue full'); };
    const p = new BatchProcessor('batch', batchConfigSchema.parse({ send_batch_size: 4, timeout: '1h' }), next);
    const results = await Promise.allSettled([p.consume('traces', spans(2, 'a')), p.consume('traces', spans(2, 'b'))]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.ok((results[0] as PromiseRejectedResult).reason instanceof RetryableError);
    await p.shutdown();
  });

  it('shutdown sends what waits at once; later requests are refused as retryable', async () => {
    const next = new RecordingConsumer();
    const p = new BatchProcessor('batch', batchConfigSchema.parse({ send_batch_size: 100, timeout: '1h' }), next);
    const waiting = p.consume('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityText: 'INFO' }] }] }] } as never);
    await p.shutdown();
    await waiting;
    assert.equal(next.received.length, 1);
    await assert.rejects(p.consume('traces', spans(1, 'late')), RetryableError);
  });

  it('config: Collector key names, and send_batch_max_size below send_batch_size is a path: message error', () => {
    const r = batchConfigSchema.safeParse({ send_batch_size: 10, send_batch_max_size: 5 });
    assert.equal(r.success, false);
    assert.deepEqual(r.error!.issues.map((i) => i.path.join('.')), ['send_batch_max_size']);
    assert.deepEqual(batchConfigSchema.parse({}), { send_batch_size: 8192, send_batch_max_size: 0, timeout: 200 });
  });
});
