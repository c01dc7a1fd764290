/**
 * End to end: the real OTel JS SDK exporters (http/json and http/protobuf)
 * send to a running `lookout run`, which forwards to a test upstream in each
 * exporter encoding. Every span, metric point and log record must arrive
 * with ids, timestamps, attributes and resources intact.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SpanKind as ApiSpanKind, SpanStatusCode, context, trace, TraceFlags, type HrTime } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { W3CTraceContextPropagator, TraceState } from '@opentelemetry/core';
import { OTLPTraceExporter as TraceJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TraceProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPMetricExporter as MetricJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPLogExporter as LogJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OtlpSink } from '../helpers/otlp-sink';
import { startAgent, type AgentProcess } from '../helpers/agent-process';
import { waitFor } from '../helpers/wait';
import { attributesToRecord, anyValueToJs, bytesToHex, int64ToBigInt } from '../../agent/otlp/values';
import type { Span, LogRecord, Metric } from '../../agent/otlp/model';

void W3CTraceContextPropagator;

function hrToNanos(t: HrTime): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}

function jsAttrs(attrs: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(attrs)) as Record<string, unknown>;
}

function otlpAttrs(kvs: { key: string; value?: unknown }[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) out[kv.key] = anyValueToJs(kv.value as never);
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}

const RESOURCE = resourceFromAttributes({
  'service.name': 'checkout',
  'service.namespace': 'shop',
  'service.instance.id': 'pod-7',
  'deployment.environment.name': 'test',
  'host.cpu.count': 2,
});

type Encoding = 'json' | 'proto';

async function sendSpans(agent: AgentProcess, enc: Encoding, tag: string): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const url = `${agent.otlpUrl}/v1/traces`;
  const otlp = enc === 'json' ? new TraceJson({ url }) : new TraceProto({ url });
  const provider = new BasicTracerProvider({
    resource: RESOURCE,
    spanProcessors: [new SimpleSpanProcessor(memory), new SimpleSpanProcessor(otlp)],
  });
  const tracer = provider.getTracer('e2e-scope', '1.2.3');
  const linkCtx = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
  const parentCtx = trace.setSpanContext(context.active(), {
    traceId: randomBytes(16).toString('hex'), // one trace per test, so spans of other tests never match
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    traceState: new TraceState('vendor=value,other=1'),
    isRemote: true,
  });
  const server = tracer.startSpan(`GET /orders/:id ${tag}`, {
    kind: ApiSpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET', 'http.route': '/orders/:id', 'http.response.status_code': 500,
      'retry.ratio': 0.25, 'cache.hit': false, 'tags': ['a', 'b'], 'codes': [1, 2, 3], tag,
    },
    links: [{ context: linkCtx, attributes: { 'link.kind': 'follows' } }],
  }, parentCtx);
  server.addEvent('exception', { 'exception.type': 'Error', 'exception.message': 'boom' });
  const child = tracer.startSpan('SELECT orders', { kind: ApiSpanKind.CLIENT, attributes: { 'db.system': 'postgresql' } }, trace.setSpan(parentCtx, server));
  child.setStatus({ code: SpanStatusCode.OK });
  child.end();
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
  server.end();
  await provider.forceFlush();
  const finished = [...memory.getFinishedSpans()]; // shutdown() clears the in-memory exporter
  await provider.shutdown();
  return finished;
}

function assertSpanIntact(got: Span, want: ReadableSpan, resource: Record<string, string>, scope: { name?: string; version?: string }): void {
  assert.equal(bytesToHex(got.traceId), want.spanContext().traceId.toLowerCase());
  assert.equal(bytesToHex(got.spanId), want.spanContext().spanId);
  assert.equal(bytesToHex(got.parentSpanId), want.parentSpanContext?.spanId ?? '');
  assert.equal(got.name, want.name);
  assert.equal(got.kind, want.kind + 1, 'OTLP span kinds are the API kinds + 1');
  assert.equal(int64ToBigInt(got.startTimeUnixNano), hrToNanos(want.startTime));
  assert.equal(int64ToBigInt(got.endTimeUnixNano), hrToNanos(want.endTime));
  assert.deepEqual(otlpAttrs(got.attributes), jsAttrs(want.attributes));
  assert.equal(got.status?.code ?? 0, want.status.code);
  assert.equal(got.status?.message ?? '', want.status.message ?? '');
  assert.equal(got.traceState ?? '', want.spanContext().traceState?.serialize() ?? '');
  assert.equal((got.events ?? []).length, want.events.length);
  want.events.forEach((e, i) => {
    assert.equal(got.events![i].name, e.name);
    assert.equal(int64ToBigInt(got.events![i].timeUnixNano), hrToNanos(e.time));
    assert.deepEqual(otlpAttrs(got.events![i].attributes), jsAttrs(e.attributes ?? {}));
  });
  assert.equal((got.links ?? []).length, want.links.length);
  want.links.forEach((l, i) => {
    assert.equal(bytesToHex(got.links![i].traceId), l.context.traceId);
    assert.equal(bytesToHex(got.links![i].spanId), l.context.spanId);
    assert.deepEqual(otlpAttrs(got.links![i].attributes), jsAttrs(l.attributes ?? {}));
  });
  assert.equal(resource['service.name'], 'checkout');
  assert.equal(resource['service.instance.id'], 'pod-7');
  assert.equal(resource['host.cpu.count'], '2');
  assert.equal(scope.name, 'e2e-scope');
  assert.equal(scope.version, '1.2.3');
}

function findSpans(sink: OtlpSink, tag: string) {
  const found: { span: Span; resource: Record<string, string>; scope: { name?: string; version?: string } }[] = [];
  for (const req of sink.of('traces')) {
    for (const rs of req.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          if (attributesToRecord(span.attributes).tag === tag || span.name.endsWith(tag)) {
            found.push({ span, resource: attributesToRecord(rs.resource?.attributes), scope: ss.scope ?? {} });
          }
        }
      }
    }
  }
  // the child span carries no tag: pick it up by trace id
  const traceIds = new Set(found.map((f) => bytesToHex(f.span.traceId)));
  for (const req of sink.of('traces')) {
    for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) for (const span of ss.spans) {
      if (traceIds.has(bytesToHex(span.traceId)) && !found.some((f) => f.span === span) && span.name === 'SELECT orders') {
        found.push({ span, resource: attributesToRecord(rs.resource?.attributes), scope: ss.scope ?? {} });
      }
    }
  }
  return found;
}

async function sendMetrics(agent: AgentProcess, enc: Encoding, tag: string): Promise<void> {
  const url = `${agent.otlpUrl}/v1/metrics`;
  const exporter = enc === 'json'
    ? new MetricJson({ url, temporalityPreference: AggregationTemporality.CUMULATIVE })
    : new MetricProto({ url, temporalityPreference: AggregationTemporality.CUMULATIVE });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: RESOURCE, readers: [reader] });
  const meter = provider.getMeter('e2e-meter', '0.0.1');
  const counter = meter.createCounter('orders.placed', { unit: '{order}', description: 'orders placed' });
  counter.add(3, { tag, region: 'eu' });
  counter.add(2, { tag, region: 'eu' });
  counter.add(7, { tag, region: 'us' });
  const hist = meter.createHistogram('http.server.request.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 0.5, 1] } });
  for (const v of [0.05, 0.2, 0.7, 3]) hist.record(v, { tag });
  const gauge = meter.createGauge('queue.depth');
  gauge.record(-4.5, { tag });
  await provider.forceFlush();
  await provider.shutdown();
}

function findMetric(sink: OtlpSink, name: string, tag: string): { metric: Metric; resource: Record<string, string> } | undefined {
  for (const req of sink.of('metrics')) {
    for (const rm of req.resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) {
      const points = [...(m.sum?.dataPoints ?? []), ...(m.gauge?.dataPoints ?? []), ...(m.histogram?.dataPoints ?? [])];
      if (m.name === name && points.some((p) => attributesToRecord(p.attributes).tag === tag)) {
        return { metric: m, resource: attributesToRecord(rm.resource?.attributes) };
      }
    }
  }
  return undefined;
}

async function sendLogs(agent: AgentProcess, enc: Encoding, tag: string) {
  const url = `${agent.otlpUrl}/v1/logs`;
  const memory = new InMemoryLogRecordExporter();
  const otlp = enc === 'json' ? new LogJson({ url }) : new LogProto({ url });
  const provider = new LoggerProvider({ resource: RESOURCE, processors: [new SimpleLogRecordProcessor({ exporter: memory }), new SimpleLogRecordProcessor({ exporter: otlp })] });
  const logger = provider.getLogger('e2e-logger', '9.9.9');
  const spanCtx = trace.setSpanContext(context.active(), { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
  logger.emit({ body: `payment failed ${tag}`, severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', attributes: { tag, 'order.id': 42 }, context: spanCtx });
  logger.emit({ body: { event: 'checkout', items: [1, 2], nested: { ok: true } }, severityNumber: SeverityNumber.INFO, severityText: 'INFO', attributes: { tag } });
  await provider.forceFlush();
  const finished = [...memory.getFinishedLogRecords()];
  await provider.shutdown();
  return finished;
}

function findLogs(sink: OtlpSink, tag: string): { log: LogRecord; resource: Record<string, string>; scope: string }[] {
  const out: { log: LogRecord; resource: Record<string, string>; scope: string }[] = [];
  for (const req of sink.of('logs')) for (const rl of req.resourceLogs) for (const sl of rl.scopeLogs) for (const log of sl.logRecords) {
    if (attributesToRecord(log.attributes).tag === tag) out.push({ log, resource: attributesToRecord(rl.resource?.attributes), scope: sl.scope?.name ?? '' });
  }
  return out;
}

for (const upstream of ['proto', 'json'] as const) {
  describe(`e2e: SDK -> lookout run -> upstream (exporter encoding ${upstream})`, function () {
    this.timeout(60_000);
    const sink = new OtlpSink();
    let agent: AgentProcess;

    before(async () => {
      await sink.start();
      agent = await startAgent({ exporters: { otlp: { endpoint: sink.url, encoding: upstream, batch: { timeout: '50ms' } } } });
    });
    after(async () => {
      const code = await agent?.stop();
      await sink.stop();
      assert.equal(code, 0, 'SIGTERM exits 0');
    });

    for (const sdk of ['json', 'proto'] as const) {
      it(`traces from the http/${sdk} SDK exporter arrive intact`, async () => {
        const tag = `t-${sdk}-${upstream}`;
        const sent = await sendSpans(agent, sdk, tag);
        assert.equal(sent.length, 2);
        const found = await waitFor(() => { const f = findSpans(sink, tag); return f.length === 2 && f; }, { what: `2 spans tagged ${tag} upstream` });
        assert.ok(sink.received.filter((r) => r.signal === 'traces').every((r) => r.encoding === upstream));
        for (const want of sent) {
          const got = found.find((f) => bytesToHex(f.span.spanId) === want.spanContext().spanId);
          assert.ok(got, `span ${want.name} arrived`);
          assertSpanIntact(got.span, want, got.resource, got.scope);
        }
      });

      it(`metrics from the http/${sdk} SDK exporter arrive intact`, async () => {
        const tag = `m-${sdk}-${upstream}`;
        await sendMetrics(agent, sdk, tag);
        const counter = await waitFor(() => findMetric(sink, 'orders.placed', tag), { what: 'counter upstream' });
        assert.equal(counter.resource['service.name'], 'checkout');
        assert.equal(counter.metric.unit, '{order}');
        assert.equal(counter.metric.description, 'orders placed');
        assert.equal(counter.metric.sum?.isMonotonic, true);
        assert.equal(counter.metric.sum?.aggregationTemporality, 2);
        const byRegion = Object.fromEntries(counter.metric.sum!.dataPoints.map((p) => [attributesToRecord(p.attributes).region, p.asDouble ?? Number(int64ToBigInt(p.asInt))]));
        assert.deepEqual(byRegion, { eu: 5, us: 7 });
        for (const p of counter.metric.sum!.dataPoints) {
          assert.ok(int64ToBigInt(p.timeUnixNano) >= int64ToBigInt(p.startTimeUnixNano) && int64ToBigInt(p.startTimeUnixNano) > 0n);
        }
        const hist = await waitFor(() => findMetric(sink, 'http.server.request.duration', tag), { what: 'histogram upstream' });
        const hp = hist.metric.histogram!.dataPoints[0];
        assert.equal(Number(int64ToBigInt(hp.count)), 4);
        assert.ok(Math.abs((hp.sum ?? 0) - 3.95) < 1e-9);
        assert.deepEqual(hp.explicitBounds, [0.1, 0.5, 1]);
        assert.deepEqual(hp.bucketCounts!.map((c) => Number(int64ToBigInt(c))), [1, 1, 1, 1]);
        assert.equal(hp.min, 0.05);
        assert.equal(hp.max, 3);
        const gauge = await waitFor(() => findMetric(sink, 'queue.depth', tag), { what: 'gauge upstream' });
        assert.equal(gauge.metric.gauge!.dataPoints[0].asDouble, -4.5);
      });

      it(`logs from the http/${sdk} SDK exporter arrive intact`, async () => {
        const tag = `l-${sdk}-${upstream}`;
        const sent = await sendLogs(agent, sdk, tag);
        const found = await waitFor(() => { const f = findLogs(sink, tag); return f.length === 2 && f; }, { what: `2 logs tagged ${tag}` });
        for (const [i, want] of sent.entries()) {
          const got = found[i];
          assert.deepEqual(JSON.parse(JSON.stringify(anyValueToJs(got.log.body))), JSON.parse(JSON.stringify(want.body)));
          assert.equal(got.log.severityNumber, want.severityNumber);
          assert.equal(got.log.severityText, want.severityText);
          assert.equal(int64ToBigInt(got.log.timeUnixNano), hrToNanos(want.hrTime));
          assert.equal(int64ToBigInt(got.log.observedTimeUnixNano), hrToNanos(want.hrTimeObserved));
          assert.deepEqual(otlpAttrs(got.log.attributes), jsAttrs(want.attributes));
          assert.equal(bytesToHex(got.log.traceId), want.spanContext?.traceId ?? '');
          assert.equal(bytesToHex(got.log.spanId), want.spanContext?.spanId ?? '');
          assert.equal(got.resource['service.namespace'], 'shop');
          assert.equal(got.scope, 'e2e-logger');
        }
      });
    }
  });
}
