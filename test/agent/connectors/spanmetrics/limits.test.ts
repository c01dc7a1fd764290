/**
 * spanmetrics under hostile spans (issue 8, items 3 and 5): 600 distinct
 * 64 KB span names are cut to the store's label_value_length_limit before
 * they become keys, and spans with a zero start or an end before their
 * start are counted as invalid and kept out of the duration histogram.
 */
import assert from 'node:assert/strict';
import { SpanMetricsConnector } from '../../../../agent/connectors/spanmetrics';
import { spanmetricsConfigSchema } from '../../../../agent/connectors/spanmetrics/config';
import { MemoryStore } from '../../../../agent/store';
import type { ExportTraceServiceRequest } from '../../../../agent/otlp/model';
import { counterValue, testHost, type TestHost } from '../../../helpers/test-host';

const NOW_NS = BigInt(Date.now()) * 1_000_000n;

function request(spans: { name: string; start: bigint; end: bigint; route?: string }[]): ExportTraceServiceRequest {
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
      scopeSpans: [{ spans: spans.map((s) => ({
        traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: s.name, kind: 2,
        startTimeUnixNano: Number(s.start), endTimeUnixNano: Number(s.end),
        attributes: s.route ? [{ key: 'http.route', value: { stringValue: s.route } }] : [],
      })) }],
    }],
  } as unknown as ExportTraceServiceRequest;
}

function lastValue(store: MemoryStore, name: string): number {
  return store.select([{ name: '__name__', type: '=', value: name }], 0, Date.now() + 60_000)
    .reduce((n, s) => n + s.v[s.v.length - 1], 0);
}

describe('spanmetrics limits', () => {
  let host: TestHost;
  beforeEach(() => { host = testHost(); });
  afterEach(async () => { await host.cleanup(); });

  it('600 distinct 64 KB span names and routes: keys and labels are cut to label_value_length_limit', async () => {
    const store = new MemoryStore();
    const c = new SpanMetricsConnector(spanmetricsConfigSchema.parse({ metrics_flush_interval: '0s' }), store);
    await c.start(host);
    const long = 'n'.repeat(64 * 1024);
    const spans = Array.from({ length: 600 }, (_, i) => ({ name: `${i}:${long}`, route: `/${i}/${long}`, start: NOW_NS - 1_000_000n, end: NOW_NS }));
    await c.consume('traces', request(spans));
    const st = store.stats();
    assert.equal(st.truncatedLabelValues, 0, 'the connector cut the values itself, the store had nothing left to cut');
    assert.ok(st.labelBytes < 20 * 1024 * 1024, `label bytes ${st.labelBytes}`);
    assert.equal(lastValue(store, 'traces_span_metrics_calls_total'), 600);
    const [one] = store.select([{ name: '__name__', type: '=', value: 'traces_span_metrics_calls_total' }], 0, Date.now() + 60_000);
    assert.equal(one.labels.span_name.length, 2048);
    assert.equal(one.labels.http_route.length, 2048);
    await c.shutdown();
  });

  it('a 64 KB service.name is cut too (service_name and job labels)', async () => {
    const store = new MemoryStore();
    const c = new SpanMetricsConnector(spanmetricsConfigSchema.parse({ metrics_flush_interval: '0s' }), store);
    await c.start(host);
    const req = request([{ name: 'ok', start: NOW_NS - 1_000_000n, end: NOW_NS }]);
    req.resourceSpans[0].resource!.attributes![0].value = { stringValue: 's'.repeat(64 * 1024) };
    await c.consume('traces', req);
    const [one] = store.select([{ name: '__name__', type: '=', value: 'traces_span_metrics_calls_total' }], 0, Date.now() + 60_000);
    assert.equal(one.labels.service_name.length, 2048);
    assert.equal(one.labels.job.length, 2048);
    assert.equal(store.stats().truncatedLabelValues, 0);
    await c.shutdown();
  });

  it('a span with start=0 or end<start is counted in calls, invalid, and not in the duration histogram', async () => {
    const store = new MemoryStore();
    const c = new SpanMetricsConnector(spanmetricsConfigSchema.parse({ metrics_flush_interval: '0s' }), store);
    await c.start(host);
    await c.consume('traces', request([
      { name: 'ok', start: NOW_NS - 2_000_000n, end: NOW_NS },
      { name: 'ok', start: 0n, end: NOW_NS },
      { name: 'ok', start: NOW_NS, end: NOW_NS - 5_000_000n },
    ]));
    assert.equal(lastValue(store, 'traces_span_metrics_calls_total'), 3);
    assert.equal(lastValue(store, 'traces_span_metrics_duration_seconds_count'), 1);
    const sum = lastValue(store, 'traces_span_metrics_duration_seconds_sum');
    assert.ok(Math.abs(sum - 0.002) < 1e-6, `sum ${sum}: no 56 years from a zero start`);
    assert.equal(c.invalidSpans, 2);
    assert.equal(await counterValue(host, 'lookout_connector_invalid_spans', { connector: 'spanmetrics', reason: 'zero_start' }), 1);
    assert.equal(await counterValue(host, 'lookout_connector_invalid_spans', { connector: 'spanmetrics', reason: 'end_before_start' }), 1);
    await c.shutdown();
  });
});
