/**
 * The durable exporter queue across process deaths, with the real OTel JS
 * SDK as the app: spans accepted (200) while the upstream answers 503 are
 * all delivered after SIGKILL or SIGTERM and a restart (duplicates allowed
 * and counted, none missing); a torn queue file loses only its torn record
 * (counted, logged); a full queue answers 503 + Retry-After and loses
 * nothing it accepted.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { OtlpSink } from '../helpers/otlp-sink';
import type { AgentProcess } from '../helpers/agent-process';
import { durableHarness, metricValue, outage } from './durable-harness';
import { waitFor } from '../helpers/wait';
import { bytesToHex } from '../../agent/otlp/values';

function exporterConfig(url: string, extra: Record<string, unknown> = {}) {
  return {
    exporters: {
      otlp: {
        endpoint: url,
        compression: 'none',
        batch: { timeout: '20ms', send_batch_size: 500 },
        retry_on_failure: { initial_interval: '50ms', max_interval: '200ms', max_elapsed_time: '0s' },
        ...extra,
      },
    },
    // The exporter gives up at shutdown_timeout - 500 ms after SIGTERM, and records what it leaves on disk.
    service: { shutdown_timeout: '3s' },
  };
}

/** Span ids upstream for one trace: [distinct, total]. */
function received(sink: OtlpSink, traceId: string): { distinct: Set<string>; total: number } {
  const distinct = new Set<string>();
  let total = 0;
  for (const req of sink.of('traces')) for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) {
    if (bytesToHex(s.traceId) !== traceId) continue;
    distinct.add(bytesToHex(s.spanId));
    total++;
  }
  return { distinct, total };
}

/** The traces figure of a metric (0 when absent). */
async function tracesMetric(agent: AgentProcess, name: string): Promise<number> {
  return (await metricValue(agent, name, 'signal="traces"')) ?? 0;
}

/** The real SDK: n spans of one trace, 10 attributes of ~50 bytes each, exported in batches of 100; resolves once all were answered 200. */
async function sdkSends(agent: AgentProcess, n: number): Promise<string> {
  const exporter = new OTLPTraceExporter({ url: `${agent.otlpUrl}/v1/traces` });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'durable-e2e' }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 100, maxQueueSize: n, scheduledDelayMillis: 10 })],
  });
  const tracer = provider.getTracer('durable');
  const traceId = randomBytes(16).toString('hex');
  const ctx = { traceId, spanId: 'ffffffffffffff01', traceFlags: 1, isRemote: true };
  const { context, trace } = await import('@opentelemetry/api');
  const parent = trace.setSpanContext(context.active(), ctx);
  const attrs: Record<string, string> = {};
  for (let a = 0; a < 10; a++) attrs[`attr.${a}`] = 'x'.repeat(50);
  for (let i = 0; i < n; i++) tracer.startSpan(`op-${i}`, { attributes: attrs }, parent).end();
  await provider.forceFlush();
  await provider.shutdown();
  return traceId;
}

describe('e2e: durable exporter queue across restarts', function () {
  this.timeout(120_000);
  const harness = durableHarness();
  const start = harness.start;
  let sink: OtlpSink;
  beforeEach(() => { sink = harness.sink(); });

  for (const kill of ['SIGKILL', 'SIGTERM'] as const) {
    it(`${kill} mid-outage, restart, upstream recovers: all N spans arrive (duplicates counted, none missing)`, async () => {
      const N = 2000;
      const upstream = outage(sink);
      const a = await start(exporterConfig(sink.url));
      const traceId = await sdkSends(a, N);
      assert.equal(await tracesMetric(a, 'lookout_receiver_accepted_items_total'), N, 'every span answered 200');
      await waitFor(() => sink.requestCount > 3, { what: 'the agent retrying against the outage' });
      assert.equal(await a.stop(kill), kill === 'SIGTERM' ? 0 : null);
      if (kill === 'SIGTERM') {
        assert.ok(a.logs().some((l) => /stay in the durable queue for the next start/.test(String(l.msg))), a.output());
        assert.ok(!a.logs().some((l) => /dropped/.test(String(l.msg))), 'nothing counted as dropped');
      }
      const b = await start(exporterConfig(sink.url), a.dir);
      upstream.recover();
      const got = await waitFor(() => { const r = received(sink, traceId); return r.distinct.size === N && r; }, { what: `${N} distinct spans upstream`, timeoutMs: 60_000 });
      assert.equal(got.distinct.size, N, 'none missing');
      const redelivered = await tracesMetric(b, 'lookout_queue_redelivered_items_total');
      assert.ok(redelivered >= N, `redelivered counted: ${redelivered}`);
      assert.ok(got.total - N <= redelivered, `duplicates (${got.total - N}) are within what was counted as redelivered`);
      assert.equal(await tracesMetric(b, 'lookout_exporter_send_failed_items_total'), 0);
    });
  }

  it('a torn last record in the queue file: the agent starts, delivers the intact prefix, counts and names the rest', async () => {
    const upstream = outage(sink);
    const a = await start(exporterConfig(sink.url));
    const traceId = 'ab'.repeat(16);
    for (let i = 0; i < 5; i++) {
      const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: Array.from({ length: 4 }, (_, j) => ({
        traceId, spanId: (i * 4 + j + 1).toString(16).padStart(16, '0'), name: `op-${i * 4 + j}`, startTimeUnixNano: '1', endTimeUnixNano: '2',
      })) }] }] });
      const res = await fetch(`${a.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(res.status, 200);
    }
    await a.stop('SIGKILL');
    const qdir = path.join(a.dir, 'data', 'queue', 'otlp', 'traces');
    const segs = fs.readdirSync(qdir).filter((n) => n.endsWith('.seg'));
    assert.equal(segs.length, 1, `one segment: ${segs}`);
    const seg = path.join(qdir, segs[0]);
    fs.truncateSync(seg, fs.statSync(seg).size - 3);

    const b = await start(exporterConfig(sink.url), a.dir);
    upstream.recover();
    const got = await waitFor(() => { const r = received(sink, traceId); return r.distinct.size === 16 && r; }, { what: 'the 16 spans before the torn record' });
    assert.deepEqual([...got.distinct].sort(), Array.from({ length: 16 }, (_, k) => (k + 1).toString(16).padStart(16, '0')));
    assert.equal(await tracesMetric(b, 'lookout_queue_corrupt_records_total'), 1);
    assert.ok(b.logs().some((l) => l.level === 'error' && String(l.msg).includes(seg) && String(l.msg).includes('.corrupt-')), b.output());
  });

  it('a full queue (tiny max_bytes) answers 503 with Retry-After, and nothing it accepted is lost', async () => {
    const upstream = outage(sink);
    const a = await start(exporterConfig(sink.url, { sending_queue: { max_bytes: 4096 } }));
    const traceId = 'cd'.repeat(16);
    const accepted: string[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 100 && !refused; i++) {
      const spanId = (i + 1).toString(16).padStart(16, '0');
      const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId, name: 'x'.repeat(200), startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] });
      const res = await fetch(`${a.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (res.status === 200) accepted.push(spanId);
      else refused = res;
    }
    assert.ok(refused, 'the queue filled up');
    assert.equal(refused.status, 503);
    assert.ok(refused.headers.get('retry-after'), 'with Retry-After');
    assert.ok(accepted.length >= 5, `accepted ${accepted.length} before filling up`);
    assert.ok(await tracesMetric(a, 'lookout_exporter_enqueue_failed_items_total') >= 1);
    await a.stop('SIGKILL');
    await start(exporterConfig(sink.url, { sending_queue: { max_bytes: 4096 } }), a.dir);
    upstream.recover();
    const got = await waitFor(() => { const r = received(sink, traceId); return r.distinct.size === accepted.length && r; }, { what: 'every accepted span upstream' });
    assert.deepEqual([...got.distinct].sort(), [...accepted].sort());
  });

  it('SIGKILL while requests are in flight: every span answered 200 arrives after the restart', async () => {
    const upstream = outage(sink);
    const a = await start(exporterConfig(sink.url));
    const traceId = 'ef'.repeat(16);
    const accepted: string[] = [];
    let next = 0;
    let killed = false;
    const poster = async () => {
      while (!killed) {
        const ids = Array.from({ length: 5 }, () => (++next).toString(16).padStart(16, '0'));
        const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: ids.map((spanId) => ({ traceId, spanId, name: 'op', startTimeUnixNano: '1', endTimeUnixNano: '2' })) }] }] });
        const res = await fetch(`${a.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch(() => undefined);
        if (res?.status === 200) accepted.push(...ids);
      }
    };
    const posters = Array.from({ length: 4 }, poster);
    await waitFor(() => accepted.length >= 500, { what: '500 spans accepted' });
    await a.stop('SIGKILL'); // while the posters keep sending
    killed = true;
    await Promise.all(posters);
    await start(exporterConfig(sink.url), a.dir);
    upstream.recover();
    const got = await waitFor(() => { const r = received(sink, traceId); return accepted.every((id) => r.distinct.has(id)) && r; }, { what: `the ${accepted.length} accepted spans upstream`, timeoutMs: 60_000 });
    assert.ok(got.distinct.size >= accepted.length);
  });
});
