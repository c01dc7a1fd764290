/**
 * spanmetrics' entry cache (agent/connectors/spanmetrics/entry-cache.ts):
 * spans find their entries without building the key, and the counts are
 * exactly what they were with the key: across resources, after entries
 * expire, past the cardinality limit, and with a duration entry created
 * only by the first span that has a valid duration.
 */
import assert from 'node:assert/strict';
import { SpanKind, type Tracer } from '@opentelemetry/api';
import { SpanMetricsConnector } from '../../../../agent/connectors/spanmetrics';
import { spanmetricsConfigSchema } from '../../../../agent/connectors/spanmetrics/config';
import { SpanEntryCache } from '../../../../agent/connectors/spanmetrics/entry-cache';
import { CounterFamily } from '../../../../agent/connectors/shared/derived-metrics';
import type { ExportTraceServiceRequest } from '../../../../agent/otlp/model';
import { RecordingAppender } from '../recording-appender';
import { sdkSpans } from '../sdk-otlp';

const T0 = 1_700_000_000;

function timed(tracer: Tracer, name: string, ms: number, attributes: Record<string, string> = {}): void {
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER, startTime: [T0, 0], attributes });
  span.end([T0, Math.round(ms * 1e6)]);
}

function connector(cfg: Record<string, unknown> = {}) {
  const clock = { now: 5_000_000 };
  const out = new RecordingAppender();
  const c = new SpanMetricsConnector(spanmetricsConfigSchema.parse({ metrics_flush_interval: '0s', ...cfg }), out, { now: () => clock.now });
  return { c, out, clock };
}

async function feed(c: SpanMetricsConnector, reqs: ExportTraceServiceRequest[]): Promise<void> {
  for (const r of reqs) await c.consume('traces', r);
}

describe('spanmetrics entry cache', () => {
  it('finds a label set by name, kind, status and values; any difference is another entry', () => {
    const family = new CounterFamily('calls_total', { type: 'counter', help: '', unit: '' }, 0);
    const a = family.create('a', { span_name: 'a' }, 0);
    const b = family.create('b', { span_name: 'b' }, 0);
    const cache = new SpanEntryCache(10);
    cache.enter('job\u0001inst\u0001svc', 0);
    cache.add('GET', 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', ['/x', undefined], a, 'a');
    cache.add('GET', 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', ['/y', undefined], b, 'b');
    const values = ['/x', undefined];
    assert.equal(cache.find('GET', 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', values)?.calls, a);
    assert.equal(cache.find('GET', 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', ['/y', undefined])?.calls, b);
    for (const [name, kind, status, vals] of [
      ['POST', 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', values], ['GET', 'SPAN_KIND_CLIENT', 'STATUS_CODE_UNSET', values],
      ['GET', 'SPAN_KIND_SERVER', 'STATUS_CODE_ERROR', values], ['GET', 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', ['/x', 'v']],
      ['GET', 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', [undefined, undefined]],
    ] as const) assert.equal(cache.find(name, kind, status, vals), undefined, `${name} ${kind} ${status} ${vals.join(',')}`);
    // The values are copied: the connector reuses its array for every span.
    values[0] = '/z';
    assert.equal(cache.find('GET', 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', ['/x', undefined])?.calls, a);
    // Another resource holds none of these; a new generation forgets everything.
    cache.enter('job\u0001inst\u0001other', 0);
    assert.equal(cache.find('GET', 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', ['/x', undefined]), undefined);
    cache.enter('job\u0001inst\u0001svc', 1);
    assert.equal(cache.find('GET', 'SPAN_KIND_SERVER', 'STATUS_CODE_UNSET', ['/x', undefined]), undefined);
    assert.equal(cache.entries, 0);
  });

  it('holds at most its bound', () => {
    const family = new CounterFamily('calls_total', { type: 'counter', help: '', unit: '' }, 0);
    const cache = new SpanEntryCache(3);
    cache.enter('r', 0);
    for (let i = 0; i < 10; i++) cache.add(`n${i}`, 'k', 's', [], family.create(`n${i}`, { span_name: `n${i}` }, 0), `n${i}`);
    assert.equal(cache.entries, 3);
    assert.equal(cache.find('n5', 'k', 's', []), undefined);
  });

  it('counts per resource: the same span under two services is two series', async () => {
    const { c, out } = connector();
    const a = await sdkSpans({ 'service.name': 'a' }, (t) => { timed(t, 'GET', 1); timed(t, 'GET', 1); });
    const b = await sdkSpans({ 'service.name': 'b' }, (t) => { timed(t, 'GET', 1); });
    await feed(c, [...a, ...b, ...a]);
    assert.equal(out.last('traces_span_metrics_calls_total', { service_name: 'a' }), 4);
    assert.equal(out.last('traces_span_metrics_calls_total', { service_name: 'b' }), 1);
    assert.equal(out.last('traces_span_metrics_duration_seconds_count', { service_name: 'a' }), 4);
  });

  it('after entries expire, the same label set starts a new series from zero (no stale cached entry)', async () => {
    const { c, out, clock } = connector({ metrics_flush_interval: '1s', metrics_expiration: '5s' });
    const spans = await sdkSpans({ 'service.name': 'svc' }, (t) => { timed(t, 'GET', 1, { 'http.route': '/x' }); });
    await feed(c, spans);
    await feed(c, spans);
    c.flush();
    assert.equal(out.last('traces_span_metrics_calls_total', { span_name: 'GET' }), 2);
    clock.now += 6_000;
    c.flush(); // expires the entry: marked stale, forgotten
    assert.equal(out.stale.length > 0, true, 'the expired series were marked stale');
    await feed(c, spans);
    clock.now += 1_000;
    c.flush();
    // A cached entry that outlived its expiry would go on from 2 and never be written again.
    assert.equal(out.last('traces_span_metrics_calls_total', { span_name: 'GET' }), 1);
    assert.equal(out.last('traces_span_metrics_duration_seconds_count', { span_name: 'GET' }), 1);
  });

  it('past the cardinality limit, new label sets share the overflow entry and are not cached', async () => {
    const { c, out } = connector({ aggregation_cardinality_limit: 2 });
    const reqs = await sdkSpans({ 'service.name': 'svc' }, (t) => { for (const n of ['a', 'b', 'c', 'd', 'a', 'c', 'e']) timed(t, n, 1); });
    await feed(c, reqs);
    assert.equal(out.last('traces_span_metrics_calls_total', { span_name: 'a' }), 2);
    assert.equal(out.last('traces_span_metrics_calls_total', { otel_metric_overflow: 'true' }), 4);
    assert.equal(out.last('traces_span_metrics_duration_seconds_count', { otel_metric_overflow: 'true' }), 4);
    assert.equal((c as unknown as { entryCache: SpanEntryCache }).entryCache.entries, 2);
  });

  it('a label set first seen with an invalid duration gets its duration entry from the next valid span', async () => {
    const { c, out } = connector();
    const reqs = await sdkSpans({ 'service.name': 'svc' }, (t) => {
      const zero = t.startSpan('GET', { kind: SpanKind.SERVER, startTime: [0, 0] });
      zero.end([T0, 0]);
      timed(t, 'GET', 3);
      timed(t, 'GET', 5);
    });
    await feed(c, reqs);
    assert.equal(out.last('traces_span_metrics_calls_total', { span_name: 'GET' }), 3);
    assert.equal(out.last('traces_span_metrics_duration_seconds_count', { span_name: 'GET' }), 2);
    assert.ok(Math.abs(out.last('traces_span_metrics_duration_seconds_sum', { span_name: 'GET' }) - 0.008) < 1e-9);
    assert.equal(c.invalidSpans, 1);
  });
});
