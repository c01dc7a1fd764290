import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfigText } from '../../../agent/config/load';

const TESTDATA = path.join(__dirname, '../../../agent/alerting/testdata');

function load(file: string) {
  const text = readFileSync(path.join(TESTDATA, file), 'utf8');
  const wrapped = 'alerting:\n' + text.split('\n').map((l) => '  ' + l).join('\n');
  return parseConfigText(wrapped, file, {}).alerting;
}

function problems(file: string): string[] {
  try {
    load(file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail(`${file} should not load`);
}

describe('alerting config (alertmanager.yml under alerting:)', () => {
  it('loads a full Alertmanager-style config unchanged', () => {
    const c = load('full.yaml');
    assert.equal(c.global.resolve_timeout, 300_000);
    assert.equal(c.global.smtp_smarthost, 'smtp.example.org:587');
    assert.equal(c.route!.group_wait, 30_000);
    assert.equal(c.route!.repeat_interval, 4 * 3600_000);
    assert.deepEqual(c.route!.routes[0].matchers, [
      { name: 'severity', type: '=', value: 'critical' },
      { name: 'team', type: '=~', value: 'payments|checkout' },
    ]);
    assert.equal(c.route!.routes[0].continue, true);
    assert.deepEqual(c.route!.routes[1].matchers, [{ name: 'team', type: '=', value: 'infra' }, { name: 'service', type: '=~', value: '^(?:db.*)$' }], 'match_re anchored as Alertmanager keeps it');
    assert.deepEqual(c.route!.routes[1].group_by, ['...']);
    assert.deepEqual(c.route!.routes[2].matchers, [{ name: 'env', type: '!=', value: 'prod' }]);
    assert.equal(c.receivers.length, 3);
    assert.equal(c.receivers[0].email_configs[0].headers['X-Team'], 'infra');
    assert.equal(c.receivers[0].slack_configs[0].send_resolved, true);
    assert.equal(c.receivers[1].pagerduty_configs[0].send_resolved, true, 'pagerduty default send_resolved: true');
    assert.equal(c.receivers[2].webhook_configs[0].max_alerts, 10);
    assert.deepEqual(c.inhibit_rules[0].equal, ['alertname', 'cluster']);
    const office = c.time_intervals[1].time_intervals[0];
    assert.deepEqual(office.times, [{ begin: 540, end: 1020 }]);
    assert.deepEqual(office.weekdays, [{ begin: 1, end: 5 }]);
    assert.deepEqual(office.daysOfMonth, [{ begin: 1, end: -1 }]);
    assert.equal(office.location, 'Europe/Berlin');
    assert.deepEqual(c.alertmanagers, [{ url: 'http://alertmanager:9093', timeout: 10_000, headers: { 'X-Scope-OrgID': 'team-a' } }]);
    assert.deepEqual(c.receivers[2].webhook_configs[0].http_config?.authorization, { type: 'Bearer', credentials_file: '/run/secrets/hook-token' });
    assert.equal(c.receivers[0].slack_configs[0].title, 'Infra alert');
  });

  it('forward-only: no route, alertmanagers only; default timeout', () => {
    const c = load('forward-only.yaml');
    assert.equal(c.route, undefined);
    assert.deepEqual(c.alertmanagers.map((a) => a.timeout), [10_000, 10_000]);
  });

  it('the whole section defaults to a no-op', () => {
    const c = parseConfigText('{}', 'empty', {}).alerting;
    assert.equal(c.route, undefined);
    assert.deepEqual(c.receivers, []);
    assert.deepEqual(c.alertmanagers, []);
  });

  it('refuses a typo by name', () => {
    const got = problems('bad-typo.yaml');
    assert.equal(got.length, 1);
    assert.match(got[0], /^alerting\.route\.group_wiat: unknown key \(did you mean "group_wait"\?\)/);
  });

  it('refuses an unsupported receiver type by name, listing the supported ones', () => {
    assert.deepEqual(problems('bad-unsupported-receiver.yaml'), [
      'alerting.receivers[0].opsgenie_configs: not supported by Lookout (supported: slack_configs, email_configs, pagerduty_configs, webhook_configs)',
    ]);
  });

  it('refuses a template with a syntax error, by key, with Go\'s parse error', () => {
    assert.deepEqual(problems('bad-templates.yaml'), [
      'alerting.receivers[0].slack_configs[0].title: invalid template: template: :1: function "nosuchfunc" not defined',
      'alerting.receivers[0].slack_configs[0].text: invalid template: template: :1: unexpected "}" in operand',
    ]);
  });

  it('cross-checks receivers and time interval names', () => {
    assert.deepEqual(problems('bad-references.yaml'), [
      'alerting.route.routes[0].receiver: undefined receiver "missing" (defined: a)',
      'alerting.route.routes[0].mute_time_intervals[0]: undefined time interval "holidays" (defined in alerting.time_intervals: none)',
    ]);
  });

  it('reports every bad value at once, with the key path', () => {
    const p = problems('bad-values.yaml');
    const has = (prefix: string, re: RegExp) => assert.ok(p.some((x) => x.startsWith(prefix) && re.test(x)), `${prefix} ${re} in\n${p.join('\n')}`);
    has('alerting.route.group_interval', /not a valid duration/);
    has('alerting.route.routes[0].matchers[0]', /invalid matcher/);
    has('alerting.route.routes[1].match_re.service', /error parsing regexp: missing closing \): `\^\(\?:db\(\(\)\$`/);
    has('alerting.receivers[0].webhook_configs[0]', /exactly one of url and url_file/);
    has('alerting.time_intervals[0].time_intervals[0].times[0]', /invalid time "9am"/);
    has('alerting.time_intervals[0].time_intervals[0].location', /unknown time zone "Mars\/Olympus"/);
  });

  it('refuses known-but-unsupported keys of supported integrations by name; accepts templates', () => {
    const bad = `alerting:
  route: {receiver: a}
  receivers:
    - name: a
      slack_configs: [{api_url: "http://x/", title: "{{ .Status }}", fields: [{title: t, value: v}], app_token: x}]
      webhook_configs: [{url: "http://x/", http_config: {authorization: {credentials: c}, proxy_url: "http://proxy/"}}]
  templates: [a.tmpl]
`;
    try {
      parseConfigText(bad, 't', {});
      assert.fail('should fail');
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      const msgs = err.problems.map((p) => `${p.path}: ${p.message}`);
      const has = (prefix: string) => assert.ok(msgs.some((m) => m.startsWith(prefix)), `${prefix}\nin\n${msgs.join('\n')}`);
      has('alerting.receivers[0].slack_configs[0].app_token: not supported by Lookout (supported: send_resolved, api_url');
      has('alerting.receivers[0].webhook_configs[0].http_config.proxy_url: not supported by Lookout (supported: authorization, basic_auth, follow_redirects)');
      assert.equal(msgs.length, 2, msgs.join('\n'));
    }
  });
});
