import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { renderAlertingConfig } from '../../../agent/alerting/config-render';
import { alertingConfig } from './harness';

const TESTDATA = path.join(__dirname, '../../../agent/alerting/testdata');

describe('renderAlertingConfig (GET /api/v2/status config.original)', () => {
  it('prints the loaded config back as alertmanager.yml that loads to the same config', () => {
    const original = alertingConfig(readFileSync(path.join(TESTDATA, 'full.yaml'), 'utf8'));
    const text = renderAlertingConfig(original);
    assert.match(text, /group_wait: 30s/);
    assert.match(text, /repeat_interval: 4h/);
    assert.match(text, /- severity="critical"/);
    assert.match(text, /- team=~"payments\|checkout"/);
    assert.match(text, /start_time: "?09:00"?/);
    assert.match(text, /- monday:friday/);
    // The only inline secrets of full.yaml: the webhook URL and the forwarding header.
    assert.equal(text.match(/<secret>/g)?.length, 2);
    assert.doesNotMatch(text, /127\.0\.0\.1:5001|team-a/);
    const restored = text.replace('url: <secret>', 'url: http://127.0.0.1:5001/').replace('X-Scope-OrgID: <secret>', 'X-Scope-OrgID: team-a');
    assert.deepEqual(alertingConfig(restored), original);
    assert.ok(parse(text));
  });

  it('redacts passwords, routing keys, Slack URLs and credentials', () => {
    const text = renderAlertingConfig(alertingConfig(`global: {smtp_auth_password: pw1, slack_api_url: "http://slack/hook1"}
route: {receiver: r}
receivers:
  - name: r
    email_configs: [{to: a@b, auth_password: pw2}]
    pagerduty_configs: [{routing_key: key3}]
    slack_configs: [{api_url: "http://slack/hook4", http_config: {basic_auth: {username: u, password: pw5}}}]
    webhook_configs: [{url: "http://hook/6", http_config: {authorization: {credentials: tok7}}}]`));
    for (const s of ['pw1', 'hook1', 'pw2', 'key3', 'hook4', 'pw5', 'hook/6', 'tok7']) assert.doesNotMatch(text, new RegExp(s), s);
    assert.equal(text.match(/<secret>/g)?.length, 8);
    assert.match(text, /username: u/);
  });
});
