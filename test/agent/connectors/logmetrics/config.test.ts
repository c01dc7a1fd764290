/** connectors.logmetrics config: every testdata file through the real loader. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../helpers/repo';
import { loadConnector, problemsOf } from '../config-files';

describe('connectors.logmetrics config', () => {
  it('testdata holds good and bad files, and the test covers each', () => {
    assert.deepEqual(readdirSync(path.join(repoRoot, 'agent/connectors/logmetrics/testdata')).sort(), [
      'bad-names.yaml', 'bad-typo.yaml', 'bad-values.yaml', 'defaults.yaml', 'full.yaml',
    ]);
  });

  it('defaults.yaml: log_records_total on, no user counters', () => {
    const l = loadConnector('logmetrics', 'defaults.yaml').logmetrics;
    assert.deepEqual(l, {
      enabled: true, log_records: { enabled: true }, counters: [],
      metrics_flush_interval: 1000, metrics_resend_interval: 15_000, metrics_expiration: 0, aggregation_cardinality_limit: 2000,
    });
  });

  it('full.yaml: every key is read; names get _total, severities become numbers', () => {
    const l = loadConnector('logmetrics', 'full.yaml').logmetrics;
    assert.deepEqual(l.counters[0], {
      name: 'payment_failures_total',
      description: 'Failed payments by provider.',
      match: {
        attributes: { 'event.domain': 'payments', 'error.type': { regex: 'Timeout|Declined.*' } },
        body_regex: '(?i)payment (failed|declined)',
        severity_min: 13,
      },
      labels: ['payment.provider'],
    });
    assert.equal(l.counters[1].name, 'oom_total');
    assert.equal(l.counters[1].match.severity_min, 17);
    assert.deepEqual([l.metrics_flush_interval, l.metrics_resend_interval, l.metrics_expiration, l.aggregation_cardinality_limit], [2000, 60_000, 1800_000, 100]);
  });

  it('bad-typo.yaml: misspelt keys are errors with a hint', () => {
    const p = problemsOf('logmetrics', 'bad-typo.yaml');
    assert.ok(p.some((x) => x.startsWith('connectors.logmetrics.counter: unknown key (did you mean "counters"?)')), p.join('\n'));
    assert.ok(p.some((x) => x.startsWith('connectors.logmetrics.counters.0.match.severity: unknown key')), p.join('\n'));
  });

  it('bad-values.yaml: metric name, regexes and severity are checked', () => {
    const p = problemsOf('logmetrics', 'bad-values.yaml');
    assert.equal(p.length, 4, p.join('\n'));
    assert.equal(p[0], 'connectors.logmetrics.counters.0.name: must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)');
    assert.equal(p[1], 'connectors.logmetrics.counters.1.match.attributes.code.regex: error parsing regexp: missing closing ): `^(?:(unclosed)$`');
    assert.equal(p[2], 'connectors.logmetrics.counters.1.match.body_regex: error parsing regexp: invalid character class range: `z-a`');
    assert.equal(p[3], 'connectors.logmetrics.counters.1.match.severity_min: unknown severity "LOUD" (use TRACE, DEBUG, INFO, WARN, ERROR, FATAL or a severity number 1-24)');
  });

  it('bad-names.yaml: reserved and duplicate counter names, reserved and colliding labels', () => {
    assert.deepEqual(problemsOf('logmetrics', 'bad-names.yaml'), [
      'connectors.logmetrics.counters.0.name: "log_records_total" is already used by another counter',
      'connectors.logmetrics.counters.2.name: "dup_total" is already used by another counter',
      'connectors.logmetrics.counters.2.labels.0: "service.name" would become the label "service_name", which the connector sets itself',
      'connectors.logmetrics.counters.2.labels.2: "a_b" and "a.b" both become the label "a_b"',
    ]);
  });
});
