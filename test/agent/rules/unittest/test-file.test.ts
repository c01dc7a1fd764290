import assert from 'node:assert/strict';
import { parseUnitTestFile } from '../../../../agent/rules/unittest/test-file';

describe('promtool unit-test file format', () => {
  it('reads every key with durations in ms', () => {
    const f = parseUnitTestFile(`
rule_files: [a.yaml]
evaluation_interval: 30s
group_eval_order: [g1, g2]
tests:
  - name: t
    interval: 15s
    external_labels: { cluster: eu }
    external_url: http://x
    input_series:
      - series: 'up{job="a"}'
        values: '1x3'
    alert_rule_test:
      - eval_time: 5m
        alertname: A
        exp_alerts:
          - exp_labels: { severity: page }
            exp_annotations: { summary: s }
    promql_expr_test:
      - expr: up
        eval_time: 0
        exp_samples:
          - labels: 'up{job="a"}'
            value: 1
`);
    assert.equal(f.evaluation_interval, 30_000);
    assert.deepEqual(f.group_eval_order, ['g1', 'g2']);
    const t = f.tests[0];
    assert.equal(t.interval, 15_000);
    assert.equal(t.alert_rule_test[0].eval_time, 300_000);
    assert.deepEqual(t.alert_rule_test[0].exp_alerts[0], { exp_labels: { severity: 'page' }, exp_annotations: { summary: 's' } });
    assert.equal(t.promql_expr_test[0].eval_time, 0);
    assert.equal(t.promql_expr_test[0].exp_samples[0].value, 1);
  });
  it('rejects unknown keys, as promtool\'s strict YAML', () => {
    assert.throws(() => parseUnitTestFile('tests:\n  - input_serie: []\n'), /tests\[0\]: unknown field\(s\) "input_serie"/);
  });
});
