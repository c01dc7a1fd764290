import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { advance, alert, startNotifier, type Harness } from '../alerting/harness';
import { Recorder } from './recorder';
import { counterValue } from '../../helpers/test-host';

describe('slack_configs', () => {
  let rec: Recorder;
  let h: Harness | undefined;
  let dir: string;
  beforeEach(async () => { rec = await new Recorder().start(); dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-slack-')); });
  afterEach(async () => { await h?.notifier.shutdown(); await h?.host.cleanup(); h = undefined; await rec.stop(); rmSync(dir, { recursive: true, force: true }); });

  it("posts Alertmanager's default attachment (color, title, title_link, fallback); resolved is good", async () => {
    writeFileSync(path.join(dir, 'slack-url'), `${rec.url}/services/T000/B000/XXXX\n`);
    h = await startNotifier(`external_url: http://lookout.example:9464
route: {receiver: chat, group_wait: 0s, group_interval: 1m, group_by: [alertname]}
receivers:
  - name: chat
    slack_configs:
      - {api_url_file: slack-url, channel: '#alerts', username: lookout, icon_emoji: ':fire:', send_resolved: true}`,
    { options: { baseDir: dir } });
    const a = alert({ alertname: 'DiskFull', severity: 'critical', instance: 'db1' }, h.clock, { annotations: { summary: 'Disk is full', description: '99% used on /data' } });
    h.notifier.send([a]);
    await advance(h, 0);
    assert.equal(rec.requests.length, 1);
    const r = rec.requests[0];
    assert.equal(r.path, '/services/T000/B000/XXXX');
    assert.equal(r.body.channel, '#alerts');
    assert.equal(r.body.username, 'lookout');
    assert.equal(r.body.icon_emoji, ':fire:');
    assert.equal(r.body.attachments.length, 1);
    const att = r.body.attachments[0];
    assert.equal(att.color, 'danger');
    assert.equal(att.title, '[FIRING:1] DiskFull (db1 critical)');
    assert.equal(att.title_link, 'http://lookout.example:9464/#/alerts?receiver=chat', "Alertmanager's slack.default.titlelink");
    assert.equal(att.text, '', "Alertmanager's slack.default.text is empty");
    assert.equal(att.fallback, '[FIRING:1] DiskFull (db1 critical) | http://lookout.example:9464/#/alerts?receiver=chat');
    assert.deepEqual(att.mrkdwn_in, ['fallback', 'pretext', 'text']);
    assert.deepEqual(Object.keys(r.body).sort(), ['attachments', 'channel', 'icon_emoji', 'username']);
    assert.deepEqual(Object.keys(att).sort(), ['callback_id', 'color', 'fallback', 'footer', 'mrkdwn_in', 'text', 'title', 'title_link']);
    for (const k of Object.keys(att)) if (k !== 'mrkdwn_in') assert.equal(typeof att[k], 'string', k);

    h.notifier.send([{ ...a, endsAt: new Date(h.clock.t).toISOString() }]);
    await advance(h, 60_000);
    assert.equal(rec.requests.length, 2);
    assert.equal(rec.requests[1].body.attachments[0].color, 'good');
    assert.equal(rec.requests[1].body.attachments[0].title, '[RESOLVED] DiskFull (db1 critical)');
  });

  it('uses global.slack_api_url; the default username is Alertmanager\'s; no group labels gives Alertmanager\'s odd title', async () => {
    h = await startNotifier(`global: {slack_api_url: "${rec.url}/global"}
external_url: http://lookout.example:9464
route: {receiver: chat, group_wait: 0s}
receivers: [{name: chat, slack_configs: [{}]}]`);
    h.notifier.send([alert({ alertname: 'Slow', severity: 'warning' }, h.clock), alert({ alertname: 'Slower', severity: 'warning' }, h.clock, { generatorURL: 'http://other/graph' })]);
    await advance(h, 0);
    assert.equal(rec.requests[0].path, '/global');
    const att = rec.requests[0].body.attachments[0];
    assert.equal(att.color, 'danger', 'Alertmanager colors every firing notification danger');
    assert.equal(att.title, '[FIRING:2]  (warning)', "Alertmanager's title with no group labels: empty values, common labels in parentheses");
    assert.equal(rec.requests[0].body.username, 'Alertmanager');
    assert.equal(rec.requests[0].body.channel, undefined);
  });

  it('templated fields, fields and actions render from the alerts', async () => {
    h = await startNotifier(`route: {receiver: chat, group_wait: 0s, group_by: [alertname]}
receivers:
  - name: chat
    slack_configs:
      - api_url: "${rec.url}/hook"
        channel: '#{{ .CommonLabels.team }}'
        title: '{{ .CommonLabels.alertname | toUpper }} x{{ len .Alerts.Firing }}'
        text: '{{ range .Alerts }}{{ .Annotations.summary }};{{ end }}'
        fields: [{title: Team, value: '{{ .CommonLabels.team }}', short: true}]
        actions: [{type: button, text: 'Open {{ .GroupLabels.alertname }}', url: 'https://x.example/{{ .GroupLabels.alertname }}'}]`);
    h.notifier.send([alert({ alertname: 'Burn', team: 'pay' }, h.clock, { annotations: { summary: 'a' } }), alert({ alertname: 'Burn', team: 'pay', i: '2' }, h.clock, { annotations: { summary: 'b' } })]);
    await advance(h, 0);
    const body = rec.requests[0].body;
    assert.equal(body.channel, '#pay');
    assert.equal(body.attachments[0].title, 'BURN x2');
    assert.equal(body.attachments[0].text, 'a;b;');
    assert.deepEqual(body.attachments[0].fields, [{ title: 'Team', value: 'pay', short: true }]);
    assert.deepEqual(body.attachments[0].actions, [{ type: 'button', text: 'Open Burn', url: 'https://x.example/Burn' }]);
  });

  it('a field rendering beyond template_max_output_chars fails that delivery once (not retried), counted and bounded', async () => {
    h = await startNotifier(`template_max_output_chars: 1024
route: {receiver: chat, group_wait: 0s}
receivers:
  - name: chat
    slack_configs: [{api_url: "${rec.url}/hook", text: '{{ range .Alerts }}{{ printf "%2000s" .Labels.alertname }}{{ end }}'}]`);
    h.notifier.send([alert({ alertname: 'Big' }, h.clock)]);
    await advance(h, 0);
    assert.equal(rec.attempts, 0, 'nothing posted');
    assert.equal(await counterValue(h.host, 'lookout_notification_template_errors_total', { integration: 'slack' }), 1, 'one attempt: a template error is not retried');
  });

  it('literal title, title_link, pretext, text, fallback and color replace the defaults', async () => {
    h = await startNotifier(`route: {receiver: chat, group_wait: 0s}
receivers:
  - name: chat
    slack_configs:
      - api_url: "${rec.url}/hook"
        title: Checkout is burning
        title_link: https://runbooks.example/checkout
        pretext: '<!here>'
        text: See the runbook.
        fallback: Checkout alert
        color: '#ff0000'
        icon_url: https://example/icon.png`);
    h.notifier.send([alert({ alertname: 'Burn' }, h.clock)]);
    await advance(h, 0);
    const body = rec.requests[0].body;
    assert.equal(body.icon_url, 'https://example/icon.png');
    assert.deepEqual(body.attachments[0], {
      color: '#ff0000', title: 'Checkout is burning', title_link: 'https://runbooks.example/checkout', pretext: '<!here>',
      text: 'See the runbook.', fallback: 'Checkout alert', mrkdwn_in: ['fallback', 'pretext', 'text'], callback_id: '', footer: '',
    });
  });
});
