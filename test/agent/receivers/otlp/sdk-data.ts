/**
 * Telemetry made with the real OTel JS SDK (spans, metrics, log records
 * covering every field the SDK can set), sent through the SDK's own OTLP
 * exporters, and field-by-field checks that what the receiver passed on is
 * what the SDK produced. Shared by the HTTP and gRPC tests.
 */
import assert from 'node:assert/strict';
import { context, trace, SpanKind as ApiSpanKind, SpanStatusCode, TraceFlags, ValueType, type HrTime } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResultCode, TraceState, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality as SdkTemporality, AggregationType, DataPointType, MeterProvider, MetricReader,
  type ResourceMetrics, type MetricData, type DataPoint, type Histogram, type ExponentialHistogram,
} from '@opentelemetry/sdk-metrics';
import type {
  AnyValue, ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest, KeyValue, LogRecord, Metric, Span,
} from '../../../../agent/otlp/model';
import { anyValueToJs, bytesToHex, int64ToBigInt } from '../../../../agent/otlp/values';

export const RESOURCE_ATTRS = {
  'service.name': 'checkout',
  'service.namespace': 'shop',
  'service.instance.id': 'pod-7',
  'host.cpu.count': 2,
  'process.runtime.ratio': 0.75,
  'feature.enabled': true,
  'deployment.regions': ['eu-west-1', 'us-east-1'],
};

export function hrToNanos(t: HrTime): bigint {
  return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
}

/** Makes values comparable: bytes as {bytes: hex}, everything else JSON-normalised. */
function normalise(v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]));
  return v;
}

export function otlpAttrs(kvs: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) out[kv.key] = normalise(anyValueToJs(kv.value));
  return out;
}

export function sdkAttrs(attrs: Record<string, unknown> | undefined): Record<string, unknown> {
  return normalise(attrs ?? {}) as Record<string, unknown>;
}

export function otlpValue(v: AnyValue | null | undefined): unknown {
  return normalise(anyValueToJs(v));
}

/** Runs one SDK exporter call and resolves with its result. */
export function exportWith<T>(exporter: { export(items: T, cb: (r: ExportResult) => void): void }, items: T): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(items, resolve));
}

export function assertExportSucceeded(result: ExportResult, what: string): void {
  assert.equal(result.code, ExportResultCode.SUCCESS, `${what} export failed: ${result.error?.message ?? ''}`);
}

// ---------------------------------------------------------------- traces

export async function makeSpans(tag: string): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(RESOURCE_ATTRS),
    spanProcessors: [new SimpleSpanProcessor(memory)],
    spanLimits: { attributeCountLimit: 12 },
  });
  const tracer = provider.getTracer('receiver-test-scope', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' });
  const parentCtx = trace.setSpanContext(context.active(), {
    traceId: 'ab' + 'cd'.repeat(15),
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    traceState: new TraceState('vendor=value,other=1'),
    isRemote: true,
  });
  const server = tracer.startSpan(`GET /orders/:id ${tag}`, {
    kind: ApiSpanKind.SERVER,
    startTime: [1_700_000_000, 123_456_789],
    attributes: {
      'http.request.method': 'GET', 'http.response.status_code': 500, 'big.int': 2 ** 40, 'negative': -17,
      'retry.ratio': 0.25, 'cache.hit': false, 'tags': ['a', 'b'], 'codes': [1, 2, 3], 'ratios': [0.5, 1.5], 'flags': [true, false], tag,
    },
    links: [{
      context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, traceState: new TraceState('l=1'), isRemote: true },
      attributes: { 'link.kind': 'follows', 'link.n': 3 },
    }],
  }, parentCtx);
  server.addEvent('exception', { 'exception.type': 'Error', 'exception.message': 'boom', 'exception.escaped': true }, [1_700_000_000, 200_000_000]);
  server.addEvent('retry', [1_700_000_000, 300_000_001]);
  const child = tracer.startSpan('SELECT orders', { kind: ApiSpanKind.CLIENT, attributes: { 'db.system': 'postgresql', tag }, startTime: [1_700_000_000, 400_000_000] }, trace.setSpan(parentCtx, server));
  child.setStatus({ code: SpanStatusCode.OK });
  child.end([1_700_000_000, 450_000_000]);
  const crowded = tracer.startSpan('crowded', { kind: ApiSpanKind.INTERNAL, root: true });
  for (let i = 0; i < 16; i++) crowded.setAttribute(`k${i}`, i); // 4 over the limit: dropped_attributes_count
  crowded.setAttribute('tag', tag);
  crowded.end();
  const producer = tracer.startSpan(`publish ${tag}`, { kind: ApiSpanKind.PRODUCER, attributes: { tag } });
  producer.end();
  const consumer = tracer.startSpan(`process ${tag}`, { kind: ApiSpanKind.CONSUMER, attributes: { tag } });
  consumer.end();
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
  server.end([1_700_000_000, 500_000_000]);
  await provider.forceFlush();
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | 0x100 | (isRemote ? 0x200 : 0);
}

function assertSpanIntact(got: Span, want: ReadableSpan): void {
  const ctx = want.spanContext();
  const what = `span ${want.name}`;
  assert.equal(bytesToHex(got.traceId), ctx.traceId, `${what} trace_id`);
  assert.equal(bytesToHex(got.spanId), ctx.spanId, `${what} span_id`);
  assert.equal(bytesToHex(got.parentSpanId), want.parentSpanContext?.spanId ?? '', `${what} parent_span_id`);
  assert.equal(got.traceState ?? '', ctx.traceState?.serialize() ?? '', `${what} trace_state`);
  assert.equal(got.flags, spanFlags(ctx.traceFlags, want.parentSpanContext?.isRemote), `${what} flags`);
  assert.equal(got.name, want.name);
  assert.equal(got.kind, want.kind + 1, `${what} kind (OTLP kinds are the API kinds + 1)`);
  assert.equal(int64ToBigInt(got.startTimeUnixNano), hrToNanos(want.startTime), `${what} start`);
  assert.equal(int64ToBigInt(got.endTimeUnixNano), hrToNanos(want.endTime), `${what} end`);
  assert.deepEqual(otlpAttrs(got.attributes), sdkAttrs(want.attributes), `${what} attributes`);
  assert.equal(got.droppedAttributesCount ?? 0, want.droppedAttributesCount, `${what} dropped attributes`);
  assert.equal(got.status?.code ?? 0, want.status.code, `${what} status code`);
  assert.equal(got.status?.message ?? '', want.status.message ?? '', `${what} status message`);
  assert.equal((got.events ?? []).length, want.events.length, `${what} events`);
  want.events.forEach((e, i) => {
    const ge = got.events![i];
    assert.equal(ge.name, e.name);
    assert.equal(int64ToBigInt(ge.timeUnixNano), hrToNanos(e.time));
    assert.deepEqual(otlpAttrs(ge.attributes), sdkAttrs(e.attributes));
  });
  assert.equal((got.links ?? []).length, want.links.length, `${what} links`);
  want.links.forEach((l, i) => {
    const gl = got.links![i];
    assert.equal(bytesToHex(gl.traceId), l.context.traceId);
    assert.equal(bytesToHex(gl.spanId), l.context.spanId);
    assert.equal(gl.traceState ?? '', l.context.traceState?.serialize() ?? '');
    assert.equal(gl.flags, spanFlags(l.context.traceFlags, l.context.isRemote));
    assert.deepEqual(otlpAttrs(gl.attributes), sdkAttrs(l.attributes));
  });
}

/** Every sent span arrived once, intact, under the right resource and scope. */
export function assertSpansArrived(sent: ReadableSpan[], received: ExportTraceServiceRequest[]): void {
  const byId = new Map<string, { span: Span; resource: KeyValue[] | undefined; scope: { name?: string; version?: string }; schemaUrl: string }>();
  for (const req of received) {
    for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) {
      const id = bytesToHex(s.spanId);
      assert.ok(!byId.has(id), `span ${id} delivered twice`);
      byId.set(id, { span: s, resource: rs.resource?.attributes, scope: ss.scope ?? {}, schemaUrl: ss.schemaUrl ?? '' });
    }
  }
  assert.equal(byId.size, sent.length, 'as many spans arrived as were sent');
  for (const want of sent) {
    const got = byId.get(want.spanContext().spanId);
    assert.ok(got, `span ${want.name} arrived`);
    assertSpanIntact(got.span, want);
    assert.deepEqual(otlpAttrs(got.resource), sdkAttrs(want.resource.attributes), 'resource attributes');
    assert.equal(got.scope.name, want.instrumentationScope.name);
    assert.equal(got.scope.version, want.instrumentationScope.version);
    assert.equal(got.schemaUrl, want.instrumentationScope.schemaUrl);
  }
}

// ---------------------------------------------------------------- logs

export async function makeLogs(tag: string): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: resourceFromAttributes(RESOURCE_ATTRS), processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
  const logger = provider.getLogger('receiver-test-logger', '9.9.9');
  const spanCtx = trace.setSpanContext(context.active(), { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
  const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
  logger.emit({
    body: `payment failed ${tag}`, severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', context: spanCtx,
    timestamp: [1_700_000_001, 1], observedTimestamp: [1_700_000_001, 999],
    attributes: {
      tag, 'order.id': 42, 'amount': 12.5, 'retry': false, 'items': ['a', 'b'],
      'customer': { id: 7, tier: 'gold', tags: ['x'], nested: { deep: true } }, 'payload': bytes,
    },
  });
  logger.emit({ body: { event: 'checkout', items: [1, 2], nested: { ok: true, ratio: 0.5 } }, severityNumber: SeverityNumber.INFO, severityText: 'INFO', attributes: { tag }, eventName: 'checkout.completed' });
  logger.emit({ body: 42, severityNumber: SeverityNumber.DEBUG, attributes: { tag } });
  logger.emit({ body: 3.25, severityNumber: SeverityNumber.WARN2, attributes: { tag } });
  logger.emit({ body: true, severityNumber: SeverityNumber.FATAL4, attributes: { tag } });
  logger.emit({ body: ['one', 2, false], attributes: { tag } });
  logger.emit({ body: bytes, attributes: { tag } });
  logger.emit({ attributes: { tag, 'no.body': true } });
  await provider.forceFlush();
  const records = memory.getFinishedLogRecords();
  await provider.shutdown();
  return records;
}

function assertLogIntact(got: LogRecord, want: ReadableLogRecord, i: number): void {
  const what = `log record ${i}`;
  assert.deepEqual(otlpValue(got.body), want.body === undefined ? undefined : normalise(want.body), `${what} body`);
  assert.equal(got.severityNumber ?? 0, want.severityNumber ?? 0, `${what} severity_number`);
  assert.equal(got.severityText ?? '', want.severityText ?? '', `${what} severity_text`);
  assert.equal(got.eventName ?? '', want.eventName ?? '', `${what} event_name`);
  assert.equal(int64ToBigInt(got.timeUnixNano), hrToNanos(want.hrTime), `${what} time`);
  assert.equal(int64ToBigInt(got.observedTimeUnixNano), hrToNanos(want.hrTimeObserved), `${what} observed time`);
  assert.deepEqual(otlpAttrs(got.attributes), sdkAttrs(want.attributes), `${what} attributes`);
  assert.equal(got.droppedAttributesCount ?? 0, want.droppedAttributesCount, `${what} dropped attributes`);
  assert.equal(bytesToHex(got.traceId), want.spanContext?.traceId ?? '', `${what} trace_id`);
  assert.equal(bytesToHex(got.spanId), want.spanContext?.spanId ?? '', `${what} span_id`);
  assert.equal(got.flags ?? 0, want.spanContext?.traceFlags ?? 0, `${what} flags`);
}

export function assertLogsArrived(sent: ReadableLogRecord[], received: ExportLogsServiceRequest[]): void {
  const got: { log: LogRecord; resource: KeyValue[] | undefined; scope: { name?: string; version?: string } }[] = [];
  for (const req of received) for (const rl of req.resourceLogs) for (const sl of rl.scopeLogs) for (const log of sl.logRecords) {
    got.push({ log, resource: rl.resource?.attributes, scope: sl.scope ?? {} });
  }
  assert.equal(got.length, sent.length, 'as many log records arrived as were sent');
  // The exporter keeps the SDK's order within one scope.
  sent.forEach((want, i) => {
    assertLogIntact(got[i].log, want, i);
    assert.deepEqual(otlpAttrs(got[i].resource), sdkAttrs(want.resource.attributes));
    assert.equal(got[i].scope.name, want.instrumentationScope.name);
    assert.equal(got[i].scope.version, want.instrumentationScope.version);
  });
}

// ---------------------------------------------------------------- metrics

/** A pull reader: collect() on demand, cumulative temporality, exponential histograms where a view asks. */
class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => SdkTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export async function makeMetrics(tag: string): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes(RESOURCE_ATTRS),
    readers: [reader],
    views: [{ instrumentName: 'payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 160 } } }],
  });
  const meter = provider.getMeter('receiver-test-meter', '0.0.1');
  const counter = meter.createCounter('orders.placed', { unit: '{order}', description: 'orders placed' });
  counter.add(3, { tag, region: 'eu' });
  counter.add(2.5, { tag, region: 'eu' });
  counter.add(7, { tag, region: 'us' });
  const inflight = meter.createUpDownCounter('requests.inflight', { valueType: ValueType.INT });
  inflight.add(5, { tag });
  inflight.add(-8, { tag });
  const hist = meter.createHistogram('http.server.request.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 0.5, 1] } });
  for (const v of [0.05, 0.2, 0.7, 3]) hist.record(v, { tag });
  const expo = meter.createHistogram('payload.size', { unit: 'By' });
  for (const v of [-4, 0, 1, 3, 100, 1500, 1500.5]) expo.record(v, { tag });
  const gauge = meter.createGauge('queue.depth');
  gauge.record(-4.5, { tag, queue: 'a' });
  const observed = meter.createObservableGauge('cpu.temperature', { unit: 'Cel', valueType: ValueType.INT });
  observed.addCallback((r) => r.observe(61, { tag, core: '0' }));
  const obsCounter = meter.createObservableCounter('bytes.read', { unit: 'By' });
  obsCounter.addCallback((r) => r.observe(1e12 + 0.5, { tag }));
  const { resourceMetrics, errors } = await reader.collect();
  assert.deepEqual(errors, []);
  await provider.shutdown();
  return resourceMetrics;
}

function keyOf(attrs: Record<string, unknown>): string {
  return JSON.stringify(Object.entries(attrs).sort(([a], [b]) => a.localeCompare(b)));
}

function numberValue(p: { asDouble?: number; asInt?: unknown; value?: string }): number {
  if (p.value === 'asInt') return Number(int64ToBigInt(p.asInt as never));
  return p.asDouble ?? 0;
}

function assertPointTimes(got: { startTimeUnixNano?: unknown; timeUnixNano?: unknown }, want: DataPoint<unknown>, what: string): void {
  assert.equal(int64ToBigInt(got.startTimeUnixNano as never), hrToNanos(want.startTime), `${what} start time`);
  assert.equal(int64ToBigInt(got.timeUnixNano as never), hrToNanos(want.endTime), `${what} time`);
}

function assertMetricIntact(got: Metric, want: MetricData): void {
  const what = `metric ${want.descriptor.name}`;
  assert.equal(got.description ?? '', want.descriptor.description, `${what} description`);
  assert.equal(got.unit ?? '', want.descriptor.unit, `${what} unit`);
  const temporality = want.aggregationTemporality === SdkTemporality.CUMULATIVE ? 2 : 1;
  const gotPoints = new Map<string, Record<string, unknown>>();
  const index = (points: { attributes?: KeyValue[] }[]) => {
    for (const p of points) gotPoints.set(keyOf(otlpAttrs(p.attributes)), p as Record<string, unknown>);
    assert.equal(points.length, want.dataPoints.length, `${what}: as many points as the SDK produced`);
  };
  switch (want.dataPointType) {
    case DataPointType.SUM: {
      assert.ok(got.sum, `${what} is a sum`);
      assert.equal(got.sum.isMonotonic, want.isMonotonic, `${what} monotonic`);
      assert.equal(got.sum.aggregationTemporality, temporality);
      index(got.sum.dataPoints);
      break;
    }
    case DataPointType.GAUGE:
      assert.ok(got.gauge, `${what} is a gauge`);
      index(got.gauge.dataPoints);
      break;
    case DataPointType.HISTOGRAM:
      assert.ok(got.histogram, `${what} is a histogram`);
      assert.equal(got.histogram.aggregationTemporality, temporality);
      index(got.histogram.dataPoints);
      break;
    case DataPointType.EXPONENTIAL_HISTOGRAM:
      assert.ok(got.exponentialHistogram, `${what} is an exponential histogram`);
      assert.equal(got.exponentialHistogram.aggregationTemporality, temporality);
      index(got.exponentialHistogram.dataPoints);
      break;
  }
  for (const wp of want.dataPoints as DataPoint<unknown>[]) {
    const gp = gotPoints.get(keyOf(sdkAttrs(wp.attributes)));
    assert.ok(gp, `${what} point ${JSON.stringify(wp.attributes)} arrived`);
    assertPointTimes(gp, wp, what);
    if (want.dataPointType === DataPointType.SUM || want.dataPointType === DataPointType.GAUGE) {
      const p = gp as { asDouble?: number; asInt?: unknown; value?: string };
      assert.equal(p.value, want.descriptor.valueType === ValueType.INT ? 'asInt' : 'asDouble', `${what} value kind`);
      assert.equal(numberValue(p), wp.value as number, `${what} value`);
    } else if (want.dataPointType === DataPointType.HISTOGRAM) {
      const h = wp.value as Histogram;
      const p = gp as { count: unknown; sum?: number; min?: number; max?: number; explicitBounds: number[]; bucketCounts: unknown[] };
      assert.equal(Number(int64ToBigInt(p.count as never)), h.count);
      assert.equal(p.sum, h.sum);
      assert.equal(p.min, h.min);
      assert.equal(p.max, h.max);
      assert.deepEqual(p.explicitBounds, h.buckets.boundaries);
      assert.deepEqual(p.bucketCounts.map((c) => Number(int64ToBigInt(c as never))), h.buckets.counts);
    } else {
      const e = wp.value as ExponentialHistogram;
      const p = gp as {
        count: unknown; sum?: number; min?: number; max?: number; scale: number; zeroCount: unknown;
        positive: { offset: number; bucketCounts: unknown[] }; negative: { offset: number; bucketCounts: unknown[] };
      };
      assert.equal(Number(int64ToBigInt(p.count as never)), e.count);
      assert.equal(p.sum, e.sum);
      assert.equal(p.min, e.min);
      assert.equal(p.max, e.max);
      assert.equal(p.scale, e.scale);
      assert.equal(Number(int64ToBigInt(p.zeroCount as never)), e.zeroCount);
      assert.equal(p.positive.offset, e.positive.offset);
      assert.deepEqual(p.positive.bucketCounts.map((c) => Number(int64ToBigInt(c as never))), e.positive.bucketCounts);
      assert.equal(p.negative.offset, e.negative.offset);
      assert.deepEqual(p.negative.bucketCounts.map((c) => Number(int64ToBigInt(c as never))), e.negative.bucketCounts);
    }
  }
}

export function assertMetricsArrived(sent: ResourceMetrics, received: ExportMetricsServiceRequest[]): void {
  const got = new Map<string, { metric: Metric; resource: KeyValue[] | undefined; scope: { name?: string; version?: string } }>();
  for (const req of received) for (const rm of req.resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) {
    assert.ok(!got.has(m.name), `metric ${m.name} delivered twice`);
    got.set(m.name, { metric: m, resource: rm.resource?.attributes, scope: sm.scope ?? {} });
  }
  let count = 0;
  for (const sm of sent.scopeMetrics) {
    for (const want of sm.metrics) {
      count++;
      const g = got.get(want.descriptor.name);
      assert.ok(g, `metric ${want.descriptor.name} arrived`);
      assertMetricIntact(g.metric, want);
      assert.deepEqual(otlpAttrs(g.resource), sdkAttrs(sent.resource.attributes));
      assert.equal(g.scope.name, sm.scope.name);
      assert.equal(g.scope.version, sm.scope.version);
    }
  }
  assert.equal(count, 7, 'the SDK produced all seven instruments');
  assert.equal(got.size, count, 'no extra metrics');
}

/** Items the SDK data holds: spans, data points, log records (for the self-metrics assertions). */
export function sdkPointCount(rm: ResourceMetrics): number {
  return rm.scopeMetrics.reduce((n, sm) => n + sm.metrics.reduce((k, m) => k + m.dataPoints.length, 0), 0);
}
