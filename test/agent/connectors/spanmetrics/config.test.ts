/** connectors.spanmetrics config: every testdata file through the real loader. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../helpers/repo';
import { loadConnector, problemsOf } from '../config-files';

describe('connectors.spanmetrics config', () => {
  it('testdata holds good and bad files, and the test covers each', () => {
    assert.deepEqual(readdirSync(path.join(repoRoot, 'agent/connectors/spanmetrics/testdata')).sort(), [
      'bad-buckets.yaml', 'bad-dimensions.yaml', 'bad-typo.yaml', 'bad-values.yaml', 'defaults.yaml', 'full.yaml',
    ]);
  });

  it('defaults.yaml: the Collector defaults, seconds, Lookout HTTP dimensions, 1s flush', () => {
    const s = loadConnector('spanmetrics', 'defaults.yaml').spanmetrics;
    assert.equal(s.namespace, 'traces.span.metrics');
    assert.equal(s.histogram.unit, 's');
    assert.deepEqual(s.histogram.explicit.buckets.map((n) => n / 1e6),
      [2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10_000, 15_000]);
    assert.deepEqual(s.dimensions.map((d) => d.name), ['http.route', 'http.request.method', 'http.response.status_code']);
    assert.deepEqual([s.metrics_flush_interval, s.metrics_resend_interval, s.metrics_expiration, s.aggregation_cardinality_limit], [1000, 15_000, 0, 2000]);
  });

  it('full.yaml: every key is read (Go durations for buckets)', () => {
    const s = loadConnector('spanmetrics', 'full.yaml').spanmetrics;
    assert.equal(s.namespace, 'span.metrics');
    assert.equal(s.histogram.unit, 'ms');
    assert.deepEqual(s.histogram.explicit.buckets, [100e3, 1e6, 2.5e6, 10e6, 100e6, 1e9, 2.5e9]);
    assert.deepEqual(s.dimensions[1], { name: 'http.request.method', default: 'GET' });
    assert.deepEqual(s.exclude_dimensions, ['status.code']);
    assert.deepEqual([s.metrics_flush_interval, s.metrics_resend_interval, s.metrics_expiration, s.aggregation_cardinality_limit], [5000, 30_000, 3600_000, 500]);
  });

  it('bad-typo.yaml: misspelt keys are errors with a hint', () => {
    const p = problemsOf('spanmetrics', 'bad-typo.yaml');
    assert.ok(p.some((x) => x.startsWith('connectors.spanmetrics.dimension: unknown key (did you mean "dimensions"?)')), p.join('\n'));
    assert.ok(p.some((x) => x.startsWith('connectors.spanmetrics.histogram.explicit.bucket: unknown key (did you mean "buckets"?)')), p.join('\n'));
  });

  it('bad-buckets.yaml: buckets must increase', () => {
    assert.deepEqual(problemsOf('spanmetrics', 'bad-buckets.yaml'),
      ['connectors.spanmetrics.histogram.explicit.buckets.1: buckets must be positive and strictly increasing']);
  });

  it('bad-values.yaml: unit, duration, exclusion, limit and interval are checked', () => {
    const p = problemsOf('spanmetrics', 'bad-values.yaml').join('\n');
    assert.match(p, /histogram\.unit: Invalid option: expected one of "s"\|"ms"/);
    assert.match(p, /histogram\.explicit\.buckets\.1: not a valid duration: "fast"/);
    assert.match(p, /exclude_dimensions\.0: Invalid option/);
    assert.match(p, /aggregation_cardinality_limit: /);
    assert.match(p, /metrics_flush_interval: not a valid duration string: "1 second"/);
  });

  it('bad-dimensions.yaml: base dimensions, reserved labels and label collisions', () => {
    assert.deepEqual(problemsOf('spanmetrics', 'bad-dimensions.yaml'), [
      'connectors.spanmetrics.dimensions.0.name: "span.name" is a base dimension already (remove it here)',
      'connectors.spanmetrics.dimensions.1.name: "job" would become the label "job", which the connector sets itself',
      'connectors.spanmetrics.dimensions.3.name: "http_route" and "http.route" both become the label "http_route"',
    ]);
  });
});
