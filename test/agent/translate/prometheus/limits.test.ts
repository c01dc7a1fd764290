/**
 * OTLP metrics through a budgeted appender (issue 8, item 3): new series per
 * request are limited, and app metrics cannot take the reserve of the
 * agent's own series.
 */
import assert from 'node:assert/strict';
import { MetricsToStore } from '../../../../agent/translate/prometheus';
import { MemoryStore } from '../../../../agent/store/memory-store';
import type { ExportMetricsServiceRequest } from '../../../../agent/otlp/model';

function gauges(n: number): ExportMetricsServiceRequest {
  const t = (BigInt(Date.now()) * 1_000_000n).toString();
  return {
    resourceMetrics: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] }, scopeMetrics: [{ metrics: [{
      name: 'queue.depth', gauge: { dataPoints: Array.from({ length: n }, (_, i) => ({ timeUnixNano: t, asDouble: i, attributes: [{ key: 'q', value: { stringValue: `q${i}` } }] })) },
    }] }] }],
  } as unknown as ExportMetricsServiceRequest;
}

describe('translate/prometheus limits', () => {
  it('one request creates at most max_new_series_per_request series; the next request may create more', () => {
    const store = new MemoryStore();
    const m = new MetricsToStore(store.budgetedAppender('otlp_metrics', { maxNewSeriesPerRequest: 100 }));
    m.translate(gauges(150));
    assert.equal(store.seriesCount, 100);
    assert.equal(store.stats().refusedSamples.request_series_limit, 50);
    m.translate(gauges(150));
    assert.equal(store.seriesCount, 150);
  });

  it('app metrics stop at max_series - reserved_series; the agent still creates its own series', () => {
    const store = new MemoryStore({ maxSeries: 1000, reservedSeries: 200 });
    const app = new MetricsToStore(store.budgetedAppender('otlp_metrics'));
    app.translate(gauges(5000));
    assert.equal(store.seriesCount, 800);
    assert.equal(store.append({ __name__: 'ALERTS', alertname: 'HighErrorRate', alertstate: 'firing' }, Date.now(), 1), true);
    assert.equal(store.append({ __name__: 'traces_span_metrics_calls_total', service_name: 'shop' }, Date.now(), 1), true);
  });
});
