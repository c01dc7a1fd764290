/**
 * The exporter component against a scriptable local upstream (OtlpSink):
 * encodings, batching, retries with Retry-After, permanent failures,
 * back-pressure and shutdown.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { OtlpExporter } from '../../../../agent/exporters/otlp';
import { otlpExporterConfigSchema } from '../../../../agent/exporters/otlp/config';
import { RetryableError } from '../../../../agent/component/component';
import { MemoryQueue } from '../../../../agent/queue';
import type { ExportTraceServiceRequest, ExportLogsServiceRequest } from '../../../../agent/otlp/model';
import { bytesToHex, int64ToBigInt, attributesToRecord } from '../../../../agent/otlp/values';
import { decodeJsonRequest } from '../../../../agent/otlp/codec';
import { OtlpSink } from '../../../helpers/otlp-sink';
import { capturingLogger, counterValue, testHost, type TestHost } from '../../../helpers/test-host';
import { freePort } from '../../../helpers/agent-process';
import { waitFor } from '../../../helpers/wait';

function spans(n: number, from = 0): ExportTraceServiceRequest {
  return decodeJsonRequest('traces', JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
      scopeSpans: [{ scope: { name: 'scope' }, spans: Array.from({ length: n }, (_, i) => ({
        traceId: '0102030405060708090a0b0c0d0e0f10', spanId: (from + i + 1).toString(16).padStart(16, '0'), name: `s${from + i}`,
        startTimeUnixNano: '1700000000000000123', endTimeUnixNano: '1700000001000000456',
        attributes: [{ key: 'i', value: { intValue: String(from + i) } }],
      })) }],
    }],
  }));
}

function spanNames(sink: OtlpSink): string[] {
  return sink.of('traces').flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))));
}

function config(endpoint: string, extra: Record<string, unknown> = {}) {
  return otlpExporterConfigSchema.parse({
    endpoint,
    batch: { timeout: '20ms' },
    retry_on_failure: { initial_interval: '20ms', max_interval: '100ms' },
    ...extra,
  });
}

describe('OTLP exporter', function () {
  this.timeout(20_000);
  let sink: OtlpSink;
  let host: TestHost;
  let exporter: OtlpExporter | undefined;

  beforeEach(async () => {
    sink = await new OtlpSink().start();
    host = testHost();
  });
  afterEach(async () => {
    await exporter?.shutdown();
    exporter = undefined;
    await sink.stop();
    await host.cleanup();
  });

  for (const encoding of ['proto', 'json'] as const) {
    for (const compression of ['gzip', 'none'] as const) {
      it(`delivers intact in ${encoding} with compression ${compression}`, async () => {
        exporter = new OtlpExporter(config(sink.url, { encoding, compression, headers: { 'x-tenant': 'a' } }));
        await exporter.start(host);
        await exporter.consume('traces', spans(3));
        await waitFor(() => spanNames(sink).length === 3, { what: '3 spans' });
        const got = sink.received[0];
        assert.equal(got.encoding, encoding);
        assert.equal(got.gzip, compression === 'gzip');
        assert.equal(got.headers['x-tenant'], 'a');
        const span = (got.data as ExportTraceServiceRequest).resourceSpans[0].scopeSpans[0].spans[1];
        assert.equal(bytesToHex(span.traceId), '0102030405060708090a0b0c0d0e0f10');
        assert.equal(bytesToHex(span.spanId), '0000000000000002');
        assert.equal(int64ToBigInt(span.startTimeUnixNano), 1700000000000000123n);
        assert.equal(int64ToBigInt(span.endTimeUnixNano), 1700000001000000456n);
        assert.equal(attributesToRecord(span.attributes).i, '1');
        // the counter moves once the upstream's answer is read, just after the sink saw the request
        await waitFor(async () => (await counterValue(host, 'lookout_exporter_sent_items', { signal: 'traces' })) === 3, { what: 'sent counter = 3' });
      });
    }
  }

  it('batches requests arriving within batch.timeout into one, and splits by send_batch_size', async () => {
    exporter = new OtlpExporter(config(sink.url, { batch: { timeout: '300ms', send_batch_size: 8 } }));
    await exporter.start(host);
    for (let i = 0; i < 10; i++) await exporter.consume('traces', spans(1, i));
    await waitFor(() => spanNames(sink).length === 10, { what: '10 spans' });
    assert.equal(sink.requestCount, 2, '10 single-span requests in 2 batches of at most 8');
    assert.deepEqual(spanNames(sink), Array.from({ length: 10 }, (_, i) => `s${i}`), 'order kept');
  });

  it('upstream down, then up: everything arrives after retries, once and in order', async () => {
    const port = await freePort();
    exporter = new OtlpExporter(config(`http://127.0.0.1:${port}`));
    await exporter.start(host);
    await exporter.consume('traces', spans(2, 0));
    await exporter.consume('traces', spans(2, 2));
    const down = new OtlpSink();
    await new Promise((r) => setTimeout(r, 150)); // let a few attempts fail against the closed port
    await down.start(port);
    try {
      await waitFor(() => spanNames(down).length === 4, { what: '4 spans after the upstream came up' });
      assert.deepEqual(spanNames(down), ['s0', 's1', 's2', 's3']);
      assert.equal(await counterValue(host, 'lookout_exporter_send_failed_items', {}), 0);
    } finally {
      await down.stop();
    }
  });

  it('honours Retry-After on 503 and retries 429, 502 and 504', async () => {
    sink.script.push({ status: 503, headers: { 'retry-after': '1' } }, { status: 429 }, { status: 502 }, { status: 504 });
    exporter = new OtlpExporter(config(sink.url));
    await exporter.start(host);
    const started = Date.now();
    await exporter.consume('traces', spans(1));
    await waitFor(() => spanNames(sink).length === 1, { what: 'delivery after retries' });
    assert.ok(Date.now() - started >= 900, `Retry-After: 1 was honoured (${Date.now() - started} ms)`);
    assert.equal(sink.requestCount, 5);
  });

  it('a 400 is dropped, logged and counted, never retried', async () => {
    const lines: Record<string, unknown>[] = [];
    host.logger = capturingLogger(lines);
    sink.script.push({ status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 3, message: 'span name too long' }) });
    exporter = new OtlpExporter(config(sink.url));
    await exporter.start(host);
    await exporter.consume('traces', spans(2));
    await waitFor(async () => (await counterValue(host, 'lookout_exporter_send_failed_items', { reason: 'rejected' })) === 2, { what: 'failed counter' });
    await exporter.consume('traces', spans(1, 5));
    await waitFor(() => spanNames(sink).length === 1, { what: 'next batch delivered' });
    assert.equal(sink.requestCount, 2);
    assert.ok(lines.some((l) => l.level === 50 && String(l.msg).includes('span name too long')), 'the upstream message is logged');
  });

  it('gives up after max_elapsed_time and counts the loss', async () => {
    for (let i = 0; i < 100; i++) sink.script.push({ status: 503 });
    exporter = new OtlpExporter(config(sink.url, { retry_on_failure: { initial_interval: '10ms', max_interval: '20ms', max_elapsed_time: '200ms' } }));
    await exporter.start(host);
    await exporter.consume('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityText: 'INFO' }] }] }] } as ExportLogsServiceRequest);
    await waitFor(async () => (await counterValue(host, 'lookout_exporter_send_failed_items', { reason: 'retries_exhausted', signal: 'logs' })) === 1, { what: 'retries exhausted' });
  });

  it('refuses with RetryableError when the queue is full; nothing accepted is lost', async () => {
    const port = await freePort();
    exporter = new OtlpExporter(config(`http://127.0.0.1:${port}`), { queue: new MemoryQueue(2) });
    await exporter.start(host);
    await exporter.consume('traces', spans(1, 0));
    await exporter.consume('traces', spans(1, 1));
    await assert.rejects(exporter.consume('traces', spans(1, 2)), (e: unknown) => e instanceof RetryableError && /queue is full/.test((e as Error).message));
    assert.equal(await counterValue(host, 'lookout_exporter_enqueue_failed_items', { signal: 'traces' }), 1);
    const late = new OtlpSink();
    await late.start(port);
    try {
      await waitFor(() => spanNames(late).length === 2, { what: 'both accepted spans' });
      assert.deepEqual(spanNames(late).sort(), ['s0', 's1']);
    } finally {
      await late.stop();
    }
  });

  it('shutdown flushes what is queued, then refuses; shutdown is idempotent and safe before start', async () => {
    const unstarted = new OtlpExporter(config(sink.url));
    await unstarted.shutdown();
    await unstarted.shutdown();
    exporter = new OtlpExporter(config(sink.url, { batch: { timeout: '10s' } }));
    await exporter.start(host);
    await exporter.consume('traces', spans(4));
    await exporter.shutdown();
    assert.equal(spanNames(sink).length, 4, 'flushed without waiting for the batch timeout');
    await assert.rejects(exporter.consume('traces', spans(1)), RetryableError);
    await exporter.shutdown();
  });

  it('drops and counts what cannot be delivered by the shutdown deadline', async () => {
    const port = await freePort();
    const blackhole = net.createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => blackhole.listen(port, '127.0.0.1', r));
    try {
      exporter = new OtlpExporter(config(`http://127.0.0.1:${port}`, { timeout: '5s' }), { shutdownDeadlineMs: 300 });
      await exporter.start(host);
      await exporter.consume('traces', spans(3));
      const started = Date.now();
      await exporter.shutdown();
      assert.ok(Date.now() - started < 3000, 'the deadline bounds shutdown');
      assert.equal(await counterValue(host, 'lookout_exporter_send_failed_items', { reason: 'shutdown' }), 3);
    } finally {
      blackhole.close();
    }
  });
});
