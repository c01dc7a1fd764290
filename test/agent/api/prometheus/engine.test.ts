/**
 * The API over the real PromQL engine and MemoryStore, fed by the
 * spanmetrics connector from real SDK spans: what a Grafana panel or an
 * alert rule gets, end to end (spans -> series -> PromQL -> JSON).
 */
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { SpanMetricsConnector, spanmetricsConfigSchema } from '../../../../agent/connectors/spanmetrics';
import { createEngine } from '../../../../agent/promql';
import { MemoryStore } from '../../../../agent/store';
import { sdkSpans } from '../../connectors/sdk-otlp';
import { startApi, type ApiServer } from './api-server';

const T = 1_700_000_000_000;

describe('Prometheus HTTP API with the real engine', () => {
  let api: ApiServer;
  let store: MemoryStore;
  const clock = { now: T };

  before(async () => {
    store = new MemoryStore({ now: () => clock.now });
    const c = new SpanMetricsConnector(spanmetricsConfigSchema.parse({}), store, { now: () => clock.now });
    const reqs = await sdkSpans({ 'service.name': 'shop', 'service.instance.id': 'i-1' }, (tracer) => {
      for (let i = 0; i < 7; i++) {
        const span = tracer.startSpan('GET /cart', { kind: SpanKind.SERVER, startTime: [T / 1000, 0] });
        if (i < 2) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end([T / 1000, (i + 1) * 100_000_000]); // 100ms .. 700ms
      }
    });
    for (const r of reqs) await c.consume('traces', r);
    clock.now = T + 1000;
    c.flush();
    api = await startApi({ engine: createEngine(store, { now: () => clock.now }), querier: store, metadata: store, buildInfo: { version: '2.53.0' }, now: () => clock.now });
  });
  after(async () => { await api?.close(); });

  it('counts the first spans of a new series in increase() (start-time zero sample)', async () => {
    const r = await api.post('/api/v1/query', `query=${encodeURIComponent('sum by (status_code) (increase(traces_span_metrics_calls_total[5m]))')}&time=${(T + 1000) / 1000}`);
    assert.equal(r.status, 200, r.body);
    const got = Object.fromEntries(r.json.data.result.map((s: { metric: Record<string, string>; value: [number, string] }) => [s.metric.status_code, s.value]));
    assert.deepEqual(got, { STATUS_CODE_ERROR: [1700000001, '2'], STATUS_CODE_UNSET: [1700000001, '5'] });
  });

  it('computes histogram_quantile over the span duration buckets', async () => {
    const q = 'histogram_quantile(0.5, sum by (le) (increase(traces_span_metrics_duration_seconds_bucket[5m])))';
    const r = await api.get(`/api/v1/query?query=${encodeURIComponent(q)}&time=${(T + 1000) / 1000}`);
    assert.equal(r.status, 200, r.body);
    // 7 spans of 0.1..0.7 s: the median (3.5th) falls in the (0.2, 0.4] bucket holding spans 3 and 4.
    const v = Number(r.json.data.result[0].value[1]);
    assert.ok(v > 0.2 && v <= 0.4, `median ${v}`);
  });

  it('answers range queries as matrices and parse errors as bad_data', async () => {
    const r = await api.get(`/api/v1/query_range?query=sum(traces_span_metrics_calls_total)&start=${T / 1000}&end=${(T + 1000) / 1000}&step=0.5`);
    assert.equal(r.body, '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1700000000,"0"],[1700000000.500,"0"],[1700000001,"7"]]}]}}');
    const bad = await api.get('/api/v1/query?query=sum(');
    assert.deepEqual([bad.status, bad.json], [400, { status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected end of input' }]);
    const one = await api.post('/api/v1/query', 'query=1%2B1&time=1');
    assert.equal(one.body, '{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}', 'Grafana\'s health check');
  });

  it('lists the derived series and their metadata', async () => {
    const names = (await api.get('/api/v1/label/__name__/values')).json.data;
    assert.deepEqual(names, [
      'traces_span_metrics_calls_total', 'traces_span_metrics_duration_seconds_bucket',
      'traces_span_metrics_duration_seconds_count', 'traces_span_metrics_duration_seconds_sum',
    ]);
    const series = (await api.get('/api/v1/series?match[]=traces_span_metrics_calls_total')).json.data;
    assert.deepEqual(series, [
      { __name__: 'traces_span_metrics_calls_total', instance: 'i-1', job: 'shop', service_name: 'shop', span_kind: 'SPAN_KIND_SERVER', span_name: 'GET /cart', status_code: 'STATUS_CODE_ERROR' },
      { __name__: 'traces_span_metrics_calls_total', instance: 'i-1', job: 'shop', service_name: 'shop', span_kind: 'SPAN_KIND_SERVER', span_name: 'GET /cart', status_code: 'STATUS_CODE_UNSET' },
    ]);
    const meta = (await api.get('/api/v1/metadata?metric=traces_span_metrics_duration_seconds')).json.data;
    assert.equal(meta.traces_span_metrics_duration_seconds[0].type, 'histogram');
  });
});
