/**
 * `lookout test-rules` with input_logs: log records become the same
 * log-derived metrics as at run time (the real logmetrics connector), so
 * rules over log_records_total and user counters are unit tested; wrong
 * expectations fail, bad records are refused with the key named.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runRuleTests } from '../../../../agent/rules/unittest';

const RULES = `groups:
  - name: logs
    rules:
      - alert: ErrorBurst
        expr: sum by (service_name) (increase(log_records_total{severity_text=~"ERROR|FATAL"}[1m])) > 5
        labels: { severity: warning }
      - alert: PaymentFailures
        expr: sum by (payment_provider) (increase(payment_failures_total[1m])) >= 2
`;

function testFile(body: string): string {
  return `rule_files: [rules.yaml]
evaluation_interval: 15s
tests:
  - interval: 15s
    logmetrics:
      counters:
        - name: payment_failures
          match: { body_regex: "(?i)payment failed", severity_min: WARN }
          labels: [payment.provider]
${body}`;
}

describe('lookout test-rules: input_logs', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-inputlogs-'));
    writeFileSync(path.join(dir, 'rules.yaml'), RULES);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function run(body: string) {
    const f = path.join(dir, `t${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(f, testFile(body));
    return runRuleTests([f]);
  }

  const LOGS = `    input_logs:
      - { timestamp: 0s, severity: INFO, body: started, resource: { service.name: checkout } }
      - { timestamp: 30s, severity: ERROR, body: db down, resource: { service.name: checkout }, count: 10 }
      - { timestamp: 45s, severity: err, body: Payment failed, attributes: { payment.provider: acme }, resource: { service.name: checkout } }
      - { timestamp: 50s, severity: 17, body: payment failed again, attributes: { payment.provider: acme }, resource: { service.name: checkout } }
      - { timestamp: 50s, severity: INFO, body: payment failed (retry ok), attributes: { payment.provider: acme }, resource: { service.name: checkout } }
`;

  it('turns records into log_records_total and user counters that rules alert on', async () => {
    const r = await run(`${LOGS}    alert_rule_test:
      - eval_time: 15s
        alertname: ErrorBurst
      - eval_time: 1m
        alertname: ErrorBurst
        exp_alerts:
          - exp_labels: { severity: warning, service_name: checkout }
      - eval_time: 1m
        alertname: PaymentFailures
        exp_alerts:
          - exp_labels: { payment_provider: acme }
    promql_expr_test:
      - expr: sum(log_records_total)
        eval_time: 1m
        exp_samples: [{ value: 14 }]
`);
    assert.equal(r.ok, true, r.output);
  });

  it('fails a wrong expectation like any rule test', async () => {
    const r = await run(`${LOGS}    alert_rule_test:
      - eval_time: 1m
        alertname: ErrorBurst
`);
    assert.equal(r.ok, false);
    assert.match(r.output, /alertname: ErrorBurst, time: 1m/);
    assert.match(r.output, /service_name="checkout"/);
  });

  it('refuses bad records and logmetrics settings with the key named', async () => {
    let r = await run(`    input_logs:
      - { timestamp: 0s, severity: 99, body: x }
`);
    assert.equal(r.ok, false);
    assert.match(r.output, /tests\[0\]\.input_logs\[0\]\.severity/);
    r = await run(`    input_logs:
      - { timestamp: 0s, body: x, bogus: 1 }
`);
    assert.match(r.output, /tests\[0\]\.input_logs\[0\]: unknown field\(s\) "bogus"/);
    const f = path.join(dir, 'badcfg.yaml');
    writeFileSync(f, 'rule_files: [rules.yaml]\ntests:\n  - logmetrics: { counters: [{ name: x, labels: [service.name] }] }\n    input_logs: [{ body: x }]\n');
    r = await runRuleTests([f]);
    assert.equal(r.ok, false);
    assert.match(r.output, /logmetrics\.counters\.0\.labels\.0: "service\.name" would become the label "service_name"/);
  });
});
