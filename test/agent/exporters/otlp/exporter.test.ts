/**
 * The exporter component against a scriptable local upstream (OtlpSink):
 * encodings, batching and splitting, retries (Retry-After, 429/502/503/504,
 * connection refused/reset, timeouts), permanent refusals, partial success,
 * back-pressure, self-metrics and shutdown.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { OtlpExporter, type OtlpExporterOptions } from '../../../../agent/exporters/otlp';
import { otlpExporterConfigSchema } from '../../../../agent/exporters/otlp/config';
import { RetryableError } from '../../../../agent/component/component';
import { MemoryQueue } from '../../../../agent/queue';
import { encodeResponse, encodeStatus } from '../../../../agent/otlp/codec';
import { SIGNALS, type ExportLogsServiceRequest, type ExportTraceServiceRequest } from '../../../../agent/otlp/model';
import { attributesToRecord, bytesToHex, int64ToBigInt } from '../../../../agent/otlp/values';
import { OtlpSink } from '../../../helpers/otlp-sink';
import { capturingLogger, counterValue, testHost, type TestHost } from '../../../helpers/test-host';
import { freePort } from '../../../helpers/agent-process';
import { waitFor } from '../../../helpers/wait';
import { asJson, logs, metrics, spanNames, spans } from './fixtures';

type Line = Record<string, unknown>;

/** The in-memory queue unless the test asks for `sending_queue.storage: disk` (test/agent/exporters/otlp/durable.test.ts). */
function config(endpoint: string, extra: Record<string, unknown> = {}) {
  return otlpExporterConfigSchema.parse({
    endpoint,
    batch: { timeout: '20ms' },
    retry_on_failure: { initial_interval: '20ms', max_interval: '100ms' },
    ...extra,
    sending_queue: { storage: 'memory', ...(extra.sending_queue as object | undefined) },
  });
}

const names = (sink: OtlpSink) => spanNames(sink.of('traces'));
const pino = { warn: 40, error: 50 };

describe('OTLP exporter', function () {
  this.timeout(30_000);
  let sink: OtlpSink;
  let host: TestHost;
  let lines: Line[];
  const exporters: OtlpExporter[] = [];
  const servers: { stop(): Promise<void> }[] = [];

  /** A started exporter, shut down after the test. */
  async function started(endpoint: string, extra: Record<string, unknown> = {}, opts?: OtlpExporterOptions): Promise<OtlpExporter> {
    const e = new OtlpExporter(config(endpoint, extra), opts);
    exporters.push(e);
    await e.start(host);
    return e;
  }
  const metric = (name: string, attrs: Record<string, string> = {}) => counterValue(host, name, attrs);
  const failed = (reason: string, signal = 'traces') => metric('lookout_exporter_send_failed_items', { reason, signal });
  const retryWarnings = () => lines.filter((l) => l.level === pino.warn && /retrying in/.test(String(l.msg)));

  beforeEach(async () => {
    sink = await new OtlpSink().start();
    lines = [];
    host = testHost({ logger: capturingLogger(lines) });
  });
  afterEach(async () => {
    for (const e of exporters.splice(0)) await e.shutdown(100);
    for (const s of servers.splice(0)) await s.stop();
    await sink.stop();
    await host.cleanup();
  });

  describe('delivery', () => {
    for (const encoding of ['proto', 'json'] as const) {
      for (const compression of ['gzip', 'none'] as const) {
        it(`traces, metrics and logs arrive intact (${encoding}, compression ${compression})`, async () => {
          const exporter = await started(sink.url, { encoding, compression, headers: { 'x-tenant': 'team-a', 'Content-Type': 'text/plain' } });
          const sent = { traces: spans(3), metrics: metrics(), logs: logs(2) };
          await exporter.consume('traces', sent.traces);
          await exporter.consume('metrics', sent.metrics);
          await exporter.consume('logs', sent.logs);
          await waitFor(() => sink.received.length === 3, { what: 'one request per signal' });
          for (const signal of SIGNALS) {
            const got = sink.received.find((r) => r.signal === signal)!;
            assert.equal(got.encoding, encoding, `${signal} content-type`);
            assert.equal(got.gzip, compression === 'gzip', `${signal} content-encoding`);
            assert.equal(got.headers['x-tenant'], 'team-a', 'configured header sent');
            assert.deepEqual(asJson(signal, got.data), asJson(signal, sent[signal]), `${signal} intact`);
          }
          // Spot checks in the decoded model, independent of the JSON view.
          const span = (sink.of('traces')[0]).resourceSpans[0].scopeSpans[0].spans[1];
          assert.equal(bytesToHex(span.traceId), '0102030405060708090a0b0c0d0e0f10');
          assert.equal(bytesToHex(span.spanId), '0000000000000002');
          assert.equal(int64ToBigInt(span.startTimeUnixNano), 1700000000000000124n);
          assert.deepEqual(attributesToRecord(span.attributes), { i: '1', 'http.route': '/orders/:id', ok: 'true' });
          const log = sink.of('logs')[0].resourceLogs[0].scopeLogs[0].logRecords[1];
          assert.equal(int64ToBigInt(log.timeUnixNano!), 1700000000000000001n);
          assert.equal(log.body?.stringValue, 'line 1');
          // Counters move once the answer is read, just after the sink stored the request.
          const sentCounts = async () => Promise.all(SIGNALS.map((signal) => metric('lookout_exporter_sent_items', { signal, exporter: 'otlp' })));
          await waitFor(async () => (await sentCounts()).every((n) => n > 0), { what: 'sent counters of all three signals' });
          assert.deepEqual(await sentCounts(), [3, 6, 2], 'spans, every point of every metric type, log records');
        });
      }
    }

    it('tolerates a trailing slash on the endpoint', async () => {
      const exporter = await started(`${sink.url}/`);
      await exporter.consume('logs', logs(1));
      await waitFor(() => sink.of('logs').length === 1, { what: 'logs at /v1/logs' });
    });

    it('merges requests built in code (plain objects) with decoded ones', async () => {
      const plain: ExportLogsServiceRequest = {
        resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'lookout' } }] }, scopeLogs: [{ logRecords: [{ timeUnixNano: 1700000000000000000, severityText: 'WARN', body: { stringValue: 'alert firing' } }] }] }],
      };
      for (const encoding of ['proto', 'json'] as const) {
        const exporter = await started(sink.url, { encoding, batch: { timeout: '200ms' } });
        await exporter.consume('logs', logs(1));
        await exporter.consume('logs', plain);
        await exporter.shutdown();
      }
      assert.equal(sink.of('logs').length, 2, 'one merged request per encoding');
      for (const req of sink.of('logs')) {
        const bodies = req.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((l) => l.body?.stringValue)));
        assert.deepEqual(bodies, ['line 0', 'alert firing']);
        assert.equal(int64ToBigInt(req.resourceLogs[1].scopeLogs[0].logRecords[0].timeUnixNano!), 1700000000000000000n);
      }
    });
  });

  describe('batching', () => {
    it('10 small requests within batch.timeout go as one request, in order', async () => {
      const exporter = await started(sink.url, { batch: { timeout: '200ms' } });
      for (let i = 0; i < 10; i++) await exporter.consume('traces', spans(1, i));
      await waitFor(() => names(sink).length === 10, { what: '10 spans' });
      assert.equal(sink.requestCount, 1);
      assert.deepEqual(names(sink), Array.from({ length: 10 }, (_, i) => `s${i}`));
    });

    it('send_batch_size sends full batches at once and caps their size', async () => {
      const exporter = await started(sink.url, { batch: { timeout: '10s', send_batch_size: 4 } });
      for (let i = 0; i < 10; i++) await exporter.consume('traces', spans(1, i));
      await waitFor(() => names(sink).length === 8, { what: 'two full batches, long before the 10 s timeout' });
      await exporter.shutdown();
      assert.deepEqual(sink.of('traces').map((r) => spanNames([r]).length), [4, 4, 2]);
      assert.deepEqual(names(sink), Array.from({ length: 10 }, (_, i) => `s${i}`));
    });

    it('send_batch_max_size splits an oversize request, keeping resources and scopes', async () => {
      const exporter = await started(sink.url, { batch: { timeout: '20ms', send_batch_size: 4, send_batch_max_size: 4 } });
      const two: ExportTraceServiceRequest = { resourceSpans: [...spans(6, 0, 'a').resourceSpans, ...spans(4, 6, 'b').resourceSpans] };
      await exporter.consume('traces', two);
      await waitFor(() => names(sink).length === 10, { what: '10 spans' });
      assert.equal(sink.requestCount, 3);
      assert.deepEqual(names(sink), Array.from({ length: 10 }, (_, i) => `s${i}`));
      const services = sink.of('traces').map((r) => r.resourceSpans.map((rs) => `${attributesToRecord(rs.resource?.attributes)['service.name']}:${rs.scopeSpans[0].spans.length}`));
      assert.deepEqual(services, [['a:4'], ['a:2', 'b:2'], ['b:2']]);
      assert.equal(sink.of('traces')[2].resourceSpans[0].scopeSpans[0].scope?.version, '1.2.3', 'scope repeated in every part');
      await waitFor(async () => (await metric('lookout_exporter_sent_items', { signal: 'traces' })) === 10, { what: 'sent = 10' });
    });
  });

  describe('retries', () => {
    it('upstream down, then up on the same port: everything arrives once, in order', async () => {
      const port = await freePort();
      const exporter = await started(`http://127.0.0.1:${port}`, { batch: { timeout: '20ms', send_batch_size: 2 } });
      for (let i = 0; i < 3; i++) await exporter.consume('traces', spans(2, i * 2));
      await waitFor(() => retryWarnings().length >= 2, { what: 'two failed attempts against the closed port' });
      assert.match(String(retryWarnings()[0].err), /ECONNREFUSED/);
      const up = await new OtlpSink().start(port);
      servers.push(up);
      await waitFor(() => names(up).length === 6, { what: '6 spans after the upstream came up' });
      assert.deepEqual(names(up), ['s0', 's1', 's2', 's3', 's4', 's5'], 'exactly once, in order');
      assert.equal(up.requestCount, 3, 'later batches waited behind the retried one');
      assert.equal(await metric('lookout_exporter_send_failed_items'), 0);
    });

    it('503 with Retry-After: 1 waits about a second before the retry', async () => {
      sink.script.push({ status: 503, headers: { 'retry-after': '1' } });
      const exporter = await started(sink.url);
      await exporter.consume('traces', spans(1));
      await waitFor(() => names(sink).length === 1, { what: 'delivery after the retry' });
      assert.equal(sink.requestCount, 2);
      const waited = sink.requestTimes[1] - sink.requestTimes[0];
      assert.ok(waited >= 900, `retried after ${waited} ms, Retry-After asked for 1000`);
      assert.equal(retryWarnings()[0].retry_in_ms, 1000);
      assert.equal(retryWarnings()[0].status, 503);
    });

    for (const status of [429, 502, 504]) {
      it(`retries ${status}`, async () => {
        sink.script.push({ status }, { status });
        const exporter = await started(sink.url);
        await exporter.consume('traces', spans(2));
        await waitFor(() => names(sink).length === 2, { what: 'delivery after retries' });
        assert.equal(sink.requestCount, 3);
        assert.deepEqual(retryWarnings().map((l) => l.status), [status, status]);
        await waitFor(async () => (await metric('lookout_exporter_sent_items')) === 2, { what: 'sent = 2' });
        assert.equal(await metric('lookout_exporter_send_failed_items'), 0);
        assert.equal(await metric('lookout_exporter_send_duration_seconds', { signal: 'traces' }), 3, 'every attempt timed');
      });
    }

    it('retries a connection reset', async () => {
      sink.script.push({ reset: true });
      const exporter = await started(sink.url);
      await exporter.consume('traces', spans(2));
      await waitFor(() => names(sink).length === 2, { what: 'delivery after the reset' });
      assert.equal(sink.requestCount, 2);
      assert.deepEqual(names(sink), ['s0', 's1'], 'once');
      assert.equal(retryWarnings().length, 1);
    });

    it('retries after the per-request timeout', async () => {
      sink.script.push({ hang: true });
      const exporter = await started(sink.url, { timeout: '200ms' });
      await exporter.consume('traces', spans(1));
      await waitFor(() => names(sink).length === 1, { what: 'delivery after a timeout' });
      assert.match(String(retryWarnings()[0].err), /timeout \(200 ms\)/);
    });

    it('gives up after max_elapsed_time and counts the loss', async () => {
      for (let i = 0; i < 100; i++) sink.script.push({ status: 503 });
      const exporter = await started(sink.url, { retry_on_failure: { initial_interval: '10ms', max_interval: '20ms', max_elapsed_time: '200ms' } });
      await exporter.consume('logs', logs(3));
      await waitFor(async () => (await failed('retries_exhausted', 'logs')) === 3, { what: 'retries exhausted' });
      const line = lines.find((l) => l.level === pino.error)!;
      assert.match(String(line.msg), /max_elapsed_time/);
      assert.ok(Number(line.attempts) >= 2);
    });

    it('with retry_on_failure disabled a 503 drops the batch after one attempt', async () => {
      sink.script.push({ status: 503 });
      const exporter = await started(sink.url, { retry_on_failure: { enabled: false } });
      await exporter.consume('traces', spans(2));
      await waitFor(async () => (await failed('retries_exhausted')) === 2, { what: 'dropped' });
      assert.equal(sink.requestCount, 1);
    });
  });

  describe('upstream refusals', () => {
    const refusals = [
      { status: 400, contentType: 'application/x-protobuf', body: encodeStatus('proto', 3, 'span name too long') },
      { status: 401, contentType: 'application/json', body: encodeStatus('json', 16, 'missing token') },
      { status: 404, contentType: 'text/plain', body: Buffer.from('no such route') },
      { status: 413, contentType: 'application/json', body: encodeStatus('json', 8, 'request too large') },
    ];
    for (const r of refusals) {
      it(`${r.status} (${r.contentType}) is dropped after one request, logged once and counted`, async () => {
        sink.script.push({ status: r.status, headers: { 'content-type': r.contentType }, body: r.body });
        const exporter = await started(sink.url);
        await exporter.consume('traces', spans(2));
        await waitFor(async () => (await failed('rejected')) === 2, { what: 'rejected = 2' });
        assert.equal(sink.requestCount, 1, 'not retried');
        const errors = lines.filter((l) => l.level === pino.error);
        assert.equal(errors.length, 1, 'one log line');
        assert.equal(errors[0].endpoint, `${sink.url}/v1/traces`);
        assert.equal(errors[0].status, r.status);
        const expected = { 400: 'span name too long', 401: 'missing token', 404: 'no such route', 413: 'request too large' }[r.status];
        assert.equal(errors[0].upstream_message, expected);
        assert.match(String(errors[0].msg), new RegExp(`HTTP ${r.status}: ${expected}`));
        // The queue moved on: the next batch is delivered.
        await exporter.consume('traces', spans(1, 5));
        await waitFor(() => names(sink).length === 1, { what: 'next batch delivered' });
        assert.deepEqual(names(sink), ['s5']);
        assert.equal(sink.requestCount, 2);
      });
    }

    it('a redirect is not followed (the POST would turn into a GET)', async () => {
      sink.script.push({ status: 301, headers: { location: 'http://elsewhere:4318/v1/traces' } });
      const exporter = await started(sink.url);
      await exporter.consume('traces', spans(1));
      await waitFor(async () => (await failed('rejected')) === 1, { what: 'rejected' });
      assert.match(String(lines.find((l) => l.level === pino.error)!.msg), /redirects are not followed.*elsewhere/);
    });

    it('partial success: rejected items are logged and counted, the rest counted as sent', async () => {
      sink.script.push({ status: 200, headers: { 'content-type': 'application/x-protobuf' }, body: encodeResponse('traces', 'proto', { rejected: 1, errorMessage: 'span too old' }) });
      const exporter = await started(sink.url);
      await exporter.consume('traces', spans(3));
      await waitFor(async () => (await failed('rejected')) === 1, { what: 'rejected = 1' });
      assert.equal(await metric('lookout_exporter_sent_items', { signal: 'traces' }), 2);
      assert.equal(sink.requestCount, 1, 'a partial success is not retried');
      const warn = lines.find((l) => l.level === pino.warn && /partial success/.test(String(l.msg)))!;
      assert.equal(warn.rejected, 1);
      assert.equal(warn.upstream_message, 'span too old');
    });
  });

  describe('queue', () => {
    it('full queue: consume rejects with RetryableError, nothing accepted is lost, other signals unaffected', async () => {
      const port = await freePort();
      const exporter = await started(`http://127.0.0.1:${port}`, { sending_queue: { sizer: 'requests', queue_size: 2 } });
      await exporter.consume('traces', spans(1, 0));
      await exporter.consume('traces', spans(1, 1));
      await assert.rejects(exporter.consume('traces', spans(3, 2)),
        (e: unknown) => e instanceof RetryableError && /traces queue is full/.test((e as Error).message));
      assert.equal(await metric('lookout_exporter_enqueue_failed_items', { signal: 'traces' }), 3);
      await exporter.consume('logs', logs(1)); // each signal has its own queue
      assert.equal(await metric('lookout_exporter_queue_size', { signal: 'traces' }), 2, 'requests held (sizer requests)');
      assert.equal(await metric('lookout_exporter_queue_capacity', { signal: 'traces' }), 2);
      const up = await new OtlpSink().start(port);
      servers.push(up);
      await waitFor(() => names(up).length === 2 && up.of('logs').length === 1, { what: 'everything accepted' });
      assert.deepEqual(names(up), ['s0', 's1']);
      await waitFor(async () => (await metric('lookout_exporter_queue_size')) === 0, { what: 'queue drained' });
    });

    it('sizer items: capacity counts spans, and queue_size reports held spans', async () => {
      const port = await freePort();
      const exporter = await started(`http://127.0.0.1:${port}`, { sending_queue: { queue_size: 5 } });
      await exporter.consume('traces', spans(3));
      await assert.rejects(exporter.consume('traces', spans(3, 3)), RetryableError);
      await exporter.consume('traces', spans(2, 3));
      assert.equal(await metric('lookout_exporter_queue_size', { signal: 'traces', exporter: 'otlp' }), 5);
      assert.equal(await metric('lookout_exporter_queue_capacity', { signal: 'logs' }), 5);
    });

    it('num_consumers 2: a batch stuck upstream does not hold back the next one', async () => {
      sink.script.push({ hang: true });
      const exporter = await started(sink.url, { timeout: '500ms', sending_queue: { num_consumers: 2 } });
      await exporter.consume('traces', spans(1, 0));
      await waitFor(() => sink.requestCount === 1, { what: 'first batch in flight' });
      await exporter.consume('traces', spans(1, 1));
      await waitFor(() => names(sink).includes('s1'), { what: 'second batch delivered past the stuck one' });
      await waitFor(() => names(sink).includes('s0'), { what: 'first batch after its timeout and retry' });
    });
  });

  describe('lifecycle', () => {
    it('shutdown before start and twice is fine; consume before start or after shutdown is retryable', async () => {
      const unstarted = new OtlpExporter(config(sink.url));
      await assert.rejects(unstarted.consume('traces', spans(1)), (e: unknown) => e instanceof RetryableError && /not started/.test((e as Error).message));
      await unstarted.shutdown();
      await unstarted.shutdown();
      await assert.rejects(unstarted.start(host), /shut down/);
      const exporter = await started(sink.url);
      await exporter.shutdown();
      await exporter.shutdown();
      await assert.rejects(exporter.consume('traces', spans(1)), (e: unknown) => e instanceof RetryableError && /shutting down/.test((e as Error).message));
      assert.equal(sink.requestCount, 0);
    });

    it('shutdown flushes what is queued without waiting for batch.timeout', async () => {
      const exporter = await started(sink.url, { batch: { timeout: '1h' } });
      await exporter.consume('traces', spans(4));
      await exporter.consume('logs', logs(2));
      const t0 = Date.now();
      await exporter.shutdown(20_000);
      assert.ok(Date.now() - t0 < 10_000);
      assert.equal(names(sink).length, 4);
      assert.equal(sink.of('logs').length, 1);
      assert.equal(await metric('lookout_exporter_send_failed_items'), 0);
    });

    it('shutdown waits for retries until the upstream answers, within the deadline', async () => {
      sink.script.push({ status: 503 }, { status: 503 });
      const exporter = await started(sink.url);
      await exporter.consume('traces', spans(2));
      await exporter.shutdown(20_000);
      assert.deepEqual(names(sink), ['s0', 's1']);
    });

    it('at the deadline an in-flight send is aborted; what was not delivered is counted and logged', async () => {
      const sockets = new Set<net.Socket>();
      const blackhole = net.createServer((s) => { sockets.add(s); s.on('error', () => undefined); }); // accepts, never answers
      await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
      servers.push({ stop: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); blackhole.close(() => r()); }) });
      const port = (blackhole.address() as net.AddressInfo).port;
      const exporter = await started(`http://127.0.0.1:${port}`, { timeout: '20s', batch: { timeout: '20ms', send_batch_size: 3 } });
      await exporter.consume('traces', spans(3));
      await exporter.consume('traces', spans(2, 3)); // waits behind the stuck batch
      const t0 = Date.now();
      await exporter.shutdown(300);
      assert.ok(Date.now() - t0 < 5000, 'the deadline bounds shutdown');
      assert.equal(await failed('shutdown'), 5);
      const line = lines.find((l) => l.level === pino.error && /shutdown deadline/.test(String(l.msg)))!;
      assert.equal(line.items, 5);
      assert.match(String(line.msg), /5 spans not delivered/);
      assert.equal(await metric('lookout_exporter_queue_size'), 0);
    });

    it('a long Retry-After wait does not hold shutdown past its deadline', async () => {
      sink.script.push({ status: 503, headers: { 'retry-after': '60' } });
      const exporter = await started(sink.url);
      await exporter.consume('traces', spans(1));
      await waitFor(() => retryWarnings().length === 1, { what: 'waiting out Retry-After: 60' });
      const t0 = Date.now();
      await exporter.shutdown(200);
      assert.ok(Date.now() - t0 < 5000, `shutdown took ${Date.now() - t0} ms`);
      assert.equal(await failed('shutdown'), 1);
      assert.equal(sink.requestCount, 1);
    });

    it('with a durable queue, undelivered entries stay queued at the deadline instead of being counted as lost', async () => {
      class PretendDurableQueue extends MemoryQueue {
        override readonly durable = true;
      }
      const queue = new PretendDurableQueue(100);
      sink.script.push({ hang: true });
      const exporter = await started(sink.url, { timeout: '20s', batch: { timeout: '20ms', send_batch_size: 3 } }, { queue });
      await exporter.consume('traces', spans(3));
      await waitFor(() => sink.requestCount === 1, { what: 'first batch in flight' });
      await exporter.consume('traces', spans(2, 3));
      await exporter.shutdown(200);
      assert.deepEqual(queue.size('traces'), { entries: 2, items: 5 }, 'both entries kept for the next start');
      assert.deepEqual(queue.take('traces', 100).map((e) => e.items), [3, 2], 'in their original order');
      assert.equal(await metric('lookout_exporter_send_failed_items'), 0);
      assert.ok(lines.some((l) => l.level === pino.warn && /5 spans stay in the durable queue/.test(String(l.msg))), JSON.stringify(lines));
    });
  });
});
