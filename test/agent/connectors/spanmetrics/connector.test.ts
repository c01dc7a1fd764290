/**
 * spanmetrics on real SDK spans (OTLP/HTTP protobuf through an OtlpSink):
 * names, labels, bucket placement, the start-time zero sample, config
 * variants, the cardinality limit and the lifecycle.
 */
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { SpanMetricsConnector } from '../../../../agent/connectors/spanmetrics';
import { spanmetricsConfigSchema } from '../../../../agent/connectors/spanmetrics/config';
import { durationNanos } from '../../../../agent/connectors/spanmetrics/connector';
import { MemoryStore } from '../../../../agent/store';
import type { ExportTraceServiceRequest } from '../../../../agent/otlp/model';
import { testHost, type TestHost } from '../../../helpers/test-host';
import { waitFor } from '../../../helpers/wait';
import { RecordingAppender } from '../recording-appender';
import { sdkSpans } from '../sdk-otlp';
import Long from 'long';

const RESOURCE = { 'service.name': 'shop', 'service.namespace': 'acme', 'service.instance.id': 'pod-1', 'host.name': 'h1' };
const T0 = 1_700_000_000; // seconds

/** A span of `ms` milliseconds starting at T0. */
function timed(tracer: Tracer, name: string, ms: number, opts: { kind?: SpanKind; attributes?: Record<string, string | number>; error?: boolean } = {}): void {
  const span = tracer.startSpan(name, { kind: opts.kind ?? SpanKind.SERVER, startTime: [T0, 0], attributes: opts.attributes });
  if (opts.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  const nanos = Math.round(ms * 1e6);
  span.end([T0 + Math.floor(nanos / 1e9), nanos % 1e9]);
}

function connector(cfg: Record<string, unknown> = {}, clock = { now: 5_000_000 }) {
  const out = new RecordingAppender();
  const c = new SpanMetricsConnector(spanmetricsConfigSchema.parse({ metrics_flush_interval: '0s', ...cfg }), out, { now: () => clock.now });
  return { c, out, clock };
}

async function feed(c: SpanMetricsConnector, reqs: ExportTraceServiceRequest[]): Promise<void> {
  for (const r of reqs) await c.consume('traces', r);
}

const CART = { 'http.route': '/cart', 'http.request.method': 'GET', 'http.response.status_code': 200 };

describe('spanmetrics connector', () => {
  let host: TestHost;
  beforeEach(() => { host = testHost(); });
  afterEach(async () => { await host.cleanup(); });

  it('counts SDK spans as traces_span_metrics_calls_total with the Collector labels plus job/instance', async () => {
    const { c, out, clock } = connector();
    await c.start(host);
    const reqs = await sdkSpans(RESOURCE, (tracer) => {
      timed(tracer, 'GET /cart', 3, { attributes: CART });
      timed(tracer, 'GET /cart', 5, { attributes: CART });
      timed(tracer, 'GET /cart', 7, { attributes: { ...CART, 'http.response.status_code': 500 }, error: true });
      // pre-1.21 semantic conventions: http.method / http.status_code are read as fallbacks
      timed(tracer, 'POST /pay', 1, { attributes: { 'http.route': '/pay', 'http.method': 'POST', 'http.status_code': 201 } });
      timed(tracer, 'SELECT orders', 1, { kind: SpanKind.CLIENT });
    });
    await feed(c, reqs);
    const base = { service_name: 'shop', job: 'acme/shop', instance: 'pod-1' };
    assert.equal(out.last('traces_span_metrics_calls_total', {
      ...base, span_name: 'GET /cart', span_kind: 'SPAN_KIND_SERVER', status_code: 'STATUS_CODE_UNSET',
      http_route: '/cart', http_request_method: 'GET', http_response_status_code: '200',
    }), 2);
    assert.equal(out.last('traces_span_metrics_calls_total', { ...base, status_code: 'STATUS_CODE_ERROR', http_response_status_code: '500' }), 1);
    assert.equal(out.last('traces_span_metrics_calls_total', {
      ...base, span_name: 'POST /pay', http_request_method: 'POST', http_response_status_code: '201', http_route: '/pay',
    }), 1);
    const client = out.seriesOf('traces_span_metrics_calls_total').find((l) => l.span_kind === 'SPAN_KIND_CLIENT');
    // absent dimensions are no label at all; other resource attributes never become labels
    assert.deepEqual(client, {
      __name__: 'traces_span_metrics_calls_total', ...base, span_name: 'SELECT orders', span_kind: 'SPAN_KIND_CLIENT', status_code: 'STATUS_CODE_UNSET',
    });
    assert.deepEqual(out.metadata.get('traces_span_metrics_calls_total')?.type, 'counter');
    assert.deepEqual(out.metadata.get('traces_span_metrics_duration_seconds'), {
      type: 'histogram', unit: 'seconds', help: out.metadata.get('traces_span_metrics_duration_seconds')!.help,
    });
    // every series starts with a 0 at the time its first span was counted, then its value later
    const rows = out.of('traces_span_metrics_calls_total', { span_name: 'SELECT orders' });
    assert.deepEqual(rows.map((r) => [r.t, r.v]), [[clock.now, 0], [clock.now + 1, 1]]);
    await c.shutdown();
  });

  it('records durations in the default buckets (seconds), cumulative, with _sum and _count', async () => {
    const { c, out } = connector();
    const reqs = await sdkSpans(RESOURCE, (tracer) => {
      timed(tracer, 'op', 3);     // le 0.004
      timed(tracer, 'op', 1200);  // le 1.4
      timed(tracer, 'op', 20_000); // +Inf
    });
    await feed(c, reqs);
    const les = out.seriesOf('traces_span_metrics_duration_seconds_bucket').map((l) => l.le);
    assert.deepEqual(les, ['0.002', '0.004', '0.006', '0.008', '0.01', '0.05', '0.1', '0.2', '0.4', '0.8', '1', '1.4', '2', '5', '10', '15', '+Inf']);
    const bucket = (le: string) => out.last('traces_span_metrics_duration_seconds_bucket', { le });
    assert.equal(bucket('0.002'), 0);
    assert.equal(bucket('0.004'), 1);
    assert.equal(bucket('1'), 1);
    assert.equal(bucket('1.4'), 2);
    assert.equal(bucket('15'), 2);
    assert.equal(bucket('+Inf'), 3);
    assert.equal(out.last('traces_span_metrics_duration_seconds_count'), 3);
    assert.ok(Math.abs(out.last('traces_span_metrics_duration_seconds_sum') - 21.203) < 1e-9);
  });

  it('keeps counting across batches and writes only what changed, plus periodic resends', async () => {
    const { c, out, clock } = connector({ metrics_flush_interval: '1s', metrics_resend_interval: '15s' });
    const a = await sdkSpans(RESOURCE, (t) => { timed(t, 'a', 1); timed(t, 'b', 1); });
    await feed(c, a);
    c.flush();
    clock.now += 1000;
    const more = await sdkSpans(RESOURCE, (t) => { timed(t, 'a', 1); });
    await feed(c, more);
    c.flush();
    const aRows = out.of('traces_span_metrics_calls_total', { span_name: 'a' });
    const bRows = out.of('traces_span_metrics_calls_total', { span_name: 'b' });
    assert.deepEqual(aRows.map((r) => r.v), [0, 1, 2]);
    assert.deepEqual(bRows.map((r) => r.v), [0, 1], 'b did not change: not rewritten before the resend interval');
    clock.now += 15_000;
    c.flush();
    assert.deepEqual(out.of('traces_span_metrics_calls_total', { span_name: 'b' }).map((r) => [r.t, r.v]),
      [[5_000_000, 0], [5_000_001, 1], [5_016_000, 1]]);
  });

  it('honours dimensions with defaults, exclude_dimensions, unit ms and an empty namespace', async () => {
    const { c, out } = connector({
      namespace: '',
      histogram: { unit: 'ms', explicit: { buckets: ['100us', '5ms', '1.5s'] } },
      dimensions: [{ name: 'tenant', default: 'none' }, { name: 'region' }],
      exclude_dimensions: ['span.kind', 'status.code'],
    });
    assert.deepEqual(c.metricNames, { calls: 'calls_total', duration: 'duration_milliseconds' });
    const reqs = await sdkSpans({ ...RESOURCE, region: 'eu' }, (t) => {
      timed(t, 'x', 2, { attributes: { tenant: 't1' } });
      timed(t, 'x', 2, { kind: SpanKind.CLIENT, error: true });
    });
    await feed(c, reqs);
    assert.deepEqual(out.seriesOf('calls_total').map((l) => [l.tenant, l.region, l.span_kind, l.status_code]).sort(),
      [['none', 'eu', undefined, undefined], ['t1', 'eu', undefined, undefined]]);
    assert.deepEqual(out.seriesOf('duration_milliseconds_bucket').map((l) => l.le).filter((v, i, a) => a.indexOf(v) === i),
      ['0.1', '5', '1500', '+Inf']);
    assert.equal(out.last('duration_milliseconds_bucket', { tenant: 't1', le: '5' }), 1);
    assert.equal(out.last('duration_milliseconds_sum', { tenant: 't1' }), 2);
  });

  it('folds label sets beyond aggregation_cardinality_limit into one overflow series', async () => {
    const { c, out } = connector({ aggregation_cardinality_limit: 2, histogram: { disable: true } });
    const reqs = await sdkSpans(RESOURCE, (t) => { for (const n of ['a', 'b', 'c', 'd', 'c']) timed(t, n, 1); });
    await feed(c, reqs);
    assert.equal(out.seriesOf('traces_span_metrics_duration_seconds_bucket').length, 0, 'histogram disabled');
    assert.deepEqual(out.seriesOf('traces_span_metrics_calls_total').map((l) => l.span_name ?? l.otel_metric_overflow).sort(), ['a', 'b', 'true']);
    assert.equal(out.last('traces_span_metrics_calls_total', { otel_metric_overflow: 'true' }), 3);
  });

  it('skips spans whose resource has no service.name, as the Collector does', async () => {
    const { c, out } = connector();
    const reqs = await sdkSpans({ 'service.name': 'svc' }, (t) => timed(t, 'x', 1));
    for (const r of reqs) for (const rs of r.resourceSpans) rs.resource!.attributes = [];
    await feed(c, reqs);
    assert.equal(out.samples.length, 0);
    assert.equal(c.droppedSpans, 1);
  });

  it('ignores other signals and flushes on its timer until shut down', async () => {
    const out = new RecordingAppender();
    const c = new SpanMetricsConnector(spanmetricsConfigSchema.parse({ metrics_flush_interval: '20ms' }), out);
    await c.shutdown(); // safe before start
    const c2 = new SpanMetricsConnector(spanmetricsConfigSchema.parse({ metrics_flush_interval: '20ms' }), out);
    await c2.start(host);
    await c2.consume('logs', { resourceLogs: [] });
    await feed(c2, await sdkSpans(RESOURCE, (t) => timed(t, 'tick', 1)));
    await waitFor(() => out.of('traces_span_metrics_calls_total').some((r) => r.v === 1), { what: 'timer flush' });
    await c2.shutdown();
    await c2.shutdown(); // idempotent
    const n = out.samples.length;
    await feed(c2, await sdkSpans(RESOURCE, (t) => timed(t, 'tick', 1)));
    await new Promise((r) => setImmediate(r));
    assert.equal(out.samples.length, n, 'no timer after shutdown');
  });

  it('writes into the real MemoryStore: zero then counts, queryable by labels', async () => {
    const store = new MemoryStore({ now: () => 5_100_000 });
    const clock = { now: 5_000_000 };
    const c = new SpanMetricsConnector(spanmetricsConfigSchema.parse({ metrics_flush_interval: '0s' }), store, { now: () => clock.now });
    await feed(c, await sdkSpans(RESOURCE, (t) => { timed(t, 'GET /', 1); timed(t, 'GET /', 1); }));
    clock.now += 10_000;
    await feed(c, await sdkSpans(RESOURCE, (t) => timed(t, 'GET /', 1)));
    const [s] = store.select([{ name: '__name__', type: '=', value: 'traces_span_metrics_calls_total' }], 0, 6_000_000);
    // SimpleSpanProcessor exports span by span: one batch (and, with interval 0s, one write) per span;
    // writes within the same millisecond are spaced 1 ms apart to keep timestamps strictly increasing.
    assert.deepEqual(Array.from(s.t), [5_000_000, 5_000_001, 5_000_002, 5_010_000]);
    assert.deepEqual(Array.from(s.v), [0, 1, 2, 3]);
    assert.equal(store.metadata().get('traces_span_metrics_calls_total')?.type, 'counter');
  });

  it('computes durations from Long and number timestamps without losing nanoseconds', () => {
    const start = Long.fromString('1700000000123456789', true);
    const end = Long.fromString('1700000001123456790', true);
    assert.equal(durationNanos(start, end), 1_000_000_001);
    assert.equal(durationNanos(1000, 3500), 2500);
  });
});
