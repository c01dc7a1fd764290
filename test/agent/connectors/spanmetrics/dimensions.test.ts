import assert from 'node:assert/strict';
import { DimensionPlan } from '../../../../agent/connectors/spanmetrics/dimensions';
import { stringAttr } from '../../../../agent/otlp/values';

describe('spanmetrics dimensions', () => {
  const plan = new DimensionPlan([
    { name: 'http.request.method' }, { name: 'http.response.status_code' }, { name: 'region', default: 'none' }, { name: 'tier' },
  ]);

  it('reads span attributes, then old semconv names, then resource attributes, then the default', () => {
    const resource = plan.resourceValues([stringAttr('tier', 'gold'), stringAttr('http.request.method', 'PUT')]);
    const out: (string | undefined)[] = new Array(plan.size);
    plan.spanValues([stringAttr('http.method', 'POST'), { key: 'http.status_code', value: { intValue: 503 } }], resource, out);
    assert.deepEqual(out, ['POST', '503', 'none', 'gold']);
    plan.spanValues([stringAttr('http.request.method', 'GET'), stringAttr('http.method', 'POST'), stringAttr('tier', '')], resource, out);
    assert.deepEqual(out, ['GET', undefined, 'none', 'gold'], 'the current name wins; empty values count as absent');
    assert.deepEqual(plan.labelNames, ['http_request_method', 'http_response_status_code', 'region', 'tier']);
  });
});
