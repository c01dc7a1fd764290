/**
 * The exporter with its default, durable queue (sending_queue.storage: disk)
 * against a scriptable upstream: what the shutdown deadline interrupts stays
 * on disk (counted as left, not dropped) and a new exporter on the same
 * storage.dir delivers it (counted as redelivered); the stored protobuf is
 * sent as is, JSON and splitting decode it; max_bytes refuses with a
 * retryable error; max_age drops and counts; the lookout_queue_* metrics.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OtlpExporter } from '../../../../agent/exporters/otlp';
import { otlpExporterConfigSchema } from '../../../../agent/exporters/otlp/config';
import { RetryableError } from '../../../../agent/component/component';
import { OtlpSink } from '../../../helpers/otlp-sink';
import { counterValue, testHost, type TestHost } from '../../../helpers/test-host';
import { waitFor } from '../../../helpers/wait';
import { spanNames, spans } from './fixtures';

function config(endpoint: string, extra: Record<string, unknown> = {}) {
  return otlpExporterConfigSchema.parse({
    endpoint,
    batch: { timeout: '20ms' },
    retry_on_failure: { initial_interval: '20ms', max_interval: '50ms', max_elapsed_time: '0s' },
    ...extra,
  });
}

describe('OTLP exporter with the durable queue', function () {
  this.timeout(30_000);
  let sink: OtlpSink;
  const hosts: TestHost[] = [];
  const exporters: OtlpExporter[] = [];
  const host = (storageDir?: string) => {
    const h = testHost(storageDir ? { storageDir } : {});
    hosts.push(h);
    return h;
  };
  const started = async (h: TestHost, extra: Record<string, unknown> = {}) => {
    const e = new OtlpExporter(config(sink.url, extra));
    exporters.push(e);
    await e.start(h);
    return e;
  };
  const metric = (h: TestHost, name: string, attrs: Record<string, string> = { signal: 'traces' }) => counterValue(h, name, attrs);

  beforeEach(async () => { sink = await new OtlpSink().start(); });
  afterEach(async () => {
    for (const e of exporters.splice(0)) await e.shutdown(100);
    for (const h of hosts.splice(0).reverse()) await h.cleanup();
    await sink.stop();
  });

  it('is the default; the shutdown deadline leaves undelivered data on disk, and the next start delivers it', async () => {
    const a = host();
    sink.script.push(...Array.from({ length: 10_000 }, () => ({ status: 503 })));
    const first = await started(a);
    await first.consume('traces', spans(3));
    await first.consume('traces', spans(2, 3));
    assert.ok(fs.existsSync(path.join(a.storageDir, 'queue', 'otlp', 'traces')), 'the queue lives in storage.dir');
    await waitFor(() => sink.requestCount >= 2, { what: 'retries against the outage' });
    assert.ok(await metric(a, 'lookout_queue_bytes') > 0);
    assert.equal(await metric(a, 'lookout_queue_entries'), 2);
    await first.shutdown(100);
    assert.equal(await metric(a, 'lookout_exporter_left_in_queue_items'), 5);
    assert.equal(await metric(a, 'lookout_exporter_send_failed_items'), 0, 'nothing counted as lost');

    sink.script.length = 0;
    const b = host(a.storageDir);
    await started(b);
    await waitFor(() => spanNames(sink.of('traces')).length >= 5, { what: 'the kept spans upstream' });
    // At-least-once: a retry the first exporter aborted at its deadline may still reach the sink after the
    // outage script was cleared, so duplicates are allowed; order (by first arrival) and completeness are not.
    assert.deepEqual([...new Set(spanNames(sink.of('traces')))], ['s0', 's1', 's2', 's3', 's4'], 'in their original order');
    assert.equal(await metric(b, 'lookout_queue_redelivered_items'), 5);
    await waitFor(async () => (await metric(b, 'lookout_queue_entries')) === 0, { what: 'queue drained' });
  });

  for (const encoding of ['proto', 'json'] as const) {
    it(`sends what it stored, encoding ${encoding}, split by send_batch_max_size`, async () => {
      const h = host();
      await started(h, { encoding, compression: 'none', batch: { timeout: '20ms', send_batch_size: 2, send_batch_max_size: 2 } });
      const e = exporters[0];
      await e.consume('traces', spans(5));
      await waitFor(() => spanNames(sink.of('traces')).length === 5, { what: '5 spans upstream' });
      assert.deepEqual(spanNames(sink.of('traces')), ['s0', 's1', 's2', 's3', 's4']);
      assert.equal(sink.received.length, 3, 'split into 2 + 2 + 1');
      assert.ok(sink.received.every((r) => r.encoding === encoding));
    });
  }

  it('max_bytes: a full queue refuses with a retryable error naming the limit, and counts it', async () => {
    const h = host();
    sink.script.push(...Array.from({ length: 10_000 }, () => ({ status: 503 })));
    const e = await started(h, { sending_queue: { max_bytes: 600 } });
    await e.consume('traces', spans(2));
    await assert.rejects(e.consume('traces', spans(2, 2)), (err) => err instanceof RetryableError && /sending_queue\.max_bytes 600/.test(err.message));
    assert.equal(await metric(h, 'lookout_exporter_enqueue_failed_items'), 2);
  });

  it('max_age: entries older than it are dropped when due and counted as expired', async () => {
    const h = host();
    sink.script.push(...Array.from({ length: 10_000 }, () => ({ status: 503 })));
    const e = await started(h, { sending_queue: { max_age: '50ms' }, retry_on_failure: { initial_interval: '20ms', max_interval: '50ms', max_elapsed_time: '400ms' } });
    await e.consume('traces', spans(1));
    await waitFor(() => sink.requestCount >= 1, { what: 'the first entry in flight' });
    await e.consume('traces', spans(1, 1)); // waits behind it, and ages past max_age while it is retried
    const failed = (reason: string) => metric(h, 'lookout_exporter_send_failed_items', { signal: 'traces', reason });
    await waitFor(async () => (await failed('expired')) === 1, { what: 'the waiting entry expired' });
    assert.equal(await failed('retries_exhausted'), 1, 'the one in flight is bound by max_elapsed_time instead');
    assert.equal(await metric(h, 'lookout_queue_expired_items'), 1);
  });

  it('shutdown ends at the service-wide deadline when one is given, not a full shutdownDeadlineMs later', async () => {
    const h = host();
    sink.script.push({ hang: true });
    const deadlineAt = Date.now() + 60_000;
    const e = new OtlpExporter(config(sink.url, { timeout: '20s' }), { shutdownDeadlineMs: 20_000, shutdownDeadlineAt: () => deadlineAt - 59_800 });
    exporters.push(e);
    await e.start(h);
    await e.consume('traces', spans(2));
    await waitFor(() => sink.requestCount === 1, { what: 'the batch in flight' });
    const t0 = Date.now();
    await e.shutdown();
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.equal(await metric(h, 'lookout_exporter_left_in_queue_items'), 2);
  });
});
