/**
 * Golden tests for notification templates, generated at test time by the
 * real Alertmanager 0.25: it gets an alertmanager.yml (default templates
 * and operator templates) and alerts through its API, and sends Slack,
 * PagerDuty, webhook and email notifications to local sinks. Each webhook
 * notification carries Alertmanager's template data; Lookout renders the
 * same receiver's Slack payload, PagerDuty event and mail from that data
 * with the same config, and the results must be equal byte for byte.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { alertingConfigSchema, type AlertingConfig } from '../../../agent/alerting/config';
import type { NotificationMessage } from '../../../agent/notify/message';
import { emailContent } from '../../../agent/notify/email';
import { pagerdutyEvent } from '../../../agent/notify/pagerduty';
import { slackPayload } from '../../../agent/notify/slack';
import { NotificationTemplates } from '../../../agent/templates/notification';
import { waitFor } from '../../helpers/wait';
import { AlertmanagerServer, requireAlertmanager, SmtpSink } from './alertmanager-server';
import { Recorder } from '../../agent/notify/recorder';

/** Debian's copy of Alertmanager's email template: listed under Lookout's `templates:` it gives Alertmanager's exact mail. */
const PACKAGED_EMAIL_TMPL = '/usr/share/prometheus/alertmanager/email.tmpl';
const MYORG = readFileSync(path.join(__dirname, 'testdata', 'myorg.tmpl'), 'utf8');

function config(sink: string, smtpPort: number): string {
  return `global:
  slack_api_url: ${sink}/slack/defaults
  smtp_smarthost: 127.0.0.1:${smtpPort}
  smtp_from: am@example.org
  smtp_require_tls: false
templates: ['tmpl/*.tmpl']
route:
  receiver: defaults
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - {matchers: ['team="custom"'], receiver: custom}
    - {matchers: ['team="html"'], receiver: html}
receivers:
  - name: defaults
    slack_configs: [{channel: '#alerts', send_resolved: true}]
    email_configs: [{to: defaults@example.org, send_resolved: true, headers: {X-Team: '{{ .CommonLabels.team }}'}}]
    pagerduty_configs: [{routing_key: key-1, url: '${sink}/pd/defaults', send_resolved: true}]
    webhook_configs: [{url: '${sink}/webhook/defaults', send_resolved: true}]
  - name: custom
    slack_configs:
      - api_url: ${sink}/slack/custom
        send_resolved: true
        channel: '#team-{{ .CommonLabels.team }}'
        username: '{{ .CommonLabels.service }} bot'
        icon_emoji: ':{{ .CommonLabels.severity }}:'
        title: '{{ template "slack.myorg.title" . }}'
        title_link: 'https://grafana.example/d/x?var-service={{ .CommonLabels.service }}'
        pretext: '{{ len .Alerts.Firing }} firing'
        text: '{{ template "slack.myorg.text" . }}'
        footer: '{{ .Receiver }} footer'
        color: '{{ if eq .CommonLabels.severity "critical" }}#FF0000{{ else }}#00FF00{{ end }}'
        short_fields: true
        fields:
          - {title: Service, value: '{{ .CommonLabels.service }}'}
          - {title: Count, value: '{{ len .Alerts }}', short: false}
        actions:
          - {type: button, text: 'Runbook {{ .CommonLabels.alertname }}', url: 'https://runbooks.example/{{ .CommonLabels.alertname }}', style: primary}
    email_configs:
      - to: custom@example.org
        send_resolved: true
        html: '{{ template "myorg.html" . }}'
        text: '{{ template "myorg.text" . }}'
        headers: {Subject: '{{ .Status | title }}: {{ .CommonLabels.alertname }} x{{ len .Alerts }}'}
    pagerduty_configs:
      - routing_key: key-2
        url: '${sink}/pd/custom'
        send_resolved: true
        description: '{{ .CommonLabels.alertname }} on {{ join ", " .CommonLabels.Names }}'
        client: 'Lookout {{ .Receiver }}'
        client_url: '{{ .ExternalURL }}/custom'
        severity: '{{ if eq .CommonLabels.severity "critical" }}critical{{ else }}warning{{ end }}'
        class: '{{ .CommonLabels.team }}'
        component: '{{ .CommonLabels.service }}'
        group: 'g-{{ len .Alerts.Firing }}'
        details: {firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}', service: '{{ .CommonLabels.service }}'}
        links: [{href: 'https://runbooks.example/{{ .CommonLabels.alertname }}', text: runbook}]
        images: [{src: 'https://img.example/{{ .CommonLabels.service }}.png', alt: graph, href: 'https://grafana.example'}]
    webhook_configs: [{url: '${sink}/webhook/custom', send_resolved: true}]
  - name: html
    email_configs:
      - {to: html@example.org, send_resolved: true}
      - {to: html-custom@example.org, send_resolved: true, html: '{{ template "myorg.html" . }}'}
    webhook_configs: [{url: '${sink}/webhook/html', send_resolved: true}]
`;
}

const T0 = '2026-11-30T08:00:00.125Z';
const T1 = '2026-11-30T08:05:30Z';

/** Round 0: all firing; round 1: some resolved; round 2: everything resolved. */
function alerts(round: number) {
  const resolved = round > 0;
  const a = (labels: Record<string, string>, annotations: Record<string, string>, extra: Record<string, string> = {}) => ({
    labels, annotations, startsAt: T0, generatorURL: `http://prometheus.example:9090/graph?g0.expr=up%3D%3D0&instance=${labels.instance}`, ...extra,
  });
  const end = (x: ReturnType<typeof a>) => (resolved ? { ...x, endsAt: T1 } : x);
  const all = (x: ReturnType<typeof a>) => (round > 1 ? { ...x, endsAt: T1 } : x);
  return [
    // defaults: two firing, one of them resolved in the second round.
    end(a({ alertname: 'HighLatency', severity: 'warning', service: 'api', instance: 'a:9100', team: 'core' }, { summary: 'p99 above 1s', runbook: 'https://runbooks.example/latency' })),
    all(a({ alertname: 'HighLatency', severity: 'warning', service: 'api', instance: "b:9100+'x' ü✓日本", team: 'core' }, { summary: 'p99 above 1s', detail: 'line 1\nline 2\ttab' })),
    // custom templates
    end(a({ alertname: 'disk full', severity: 'critical', service: 'api-gw', instance: 'node-1', team: 'custom' }, { summary: 'Disk 91% used', desc: '<b>bold</b>' })),
    all(a({ alertname: 'disk full', severity: 'critical', service: 'api-gw', instance: 'node-2', team: 'custom' }, { summary: 'Disk 95% used', desc: '<i>it</i>' })),
    // html escaping: markup and URL-unsafe text in values
    a({ alertname: 'Escape', team: 'html', instance: 'x<y>&"z" ü✓' }, {
      summary: `5 < 6 & "q" 'a+b'`, desc: '<script>alert(1)</script>', link: 'javascript:alert(1)',
    }),
  ];
}

function message(body: any): NotificationMessage {
  return {
    receiver: body.receiver, status: body.status, alerts: body.alerts, groupLabels: body.groupLabels, commonLabels: body.commonLabels,
    commonAnnotations: body.commonAnnotations, externalURL: body.externalURL, groupKey: body.groupKey,
  };
}

/** What Alertmanager posted to paths under this prefix, in order. */
function on(sink: Recorder, prefix: string) {
  return sink.requests.filter((r) => r.path.startsWith(prefix));
}

describe('notification templates against the real Alertmanager 0.25', function () {
  this.timeout(60_000);
  let am: AlertmanagerServer | undefined;
  let sink: Recorder;
  let smtp: SmtpSink;
  let cfg: AlertingConfig;
  let templates: NotificationTemplates;
  let withAmEmail: NotificationTemplates;

  before(async function () {
    const bins = requireAlertmanager(this);
    sink = await new Recorder().start();
    smtp = await new SmtpSink().start();
    const yml = config(sink.url, smtp.port);
    am = await AlertmanagerServer.start(bins, yml, { files: { 'tmpl/myorg.tmpl': MYORG } });
    const dir = am.dir;
    cfg = alertingConfigSchema.parse(parseYaml(yml));
    templates = NotificationTemplates.load(cfg.templates, dir);
    withAmEmail = NotificationTemplates.load([...cfg.templates, PACKAGED_EMAIL_TMPL], dir);
    await am.postAlerts(alerts(0));
    await waitFor(() => on(sink, '/webhook/').length >= 3 && smtp.mails.length >= 4 && on(sink, '/slack/').length >= 2 && on(sink, '/pd/').length >= 2,
      { timeoutMs: 20_000, what: 'first notifications from Alertmanager' });
    await am.postAlerts(alerts(1));
    await waitFor(() => on(sink, '/webhook/').length >= 5 && smtp.mails.length >= 6 && on(sink, '/slack/').length >= 4 && on(sink, '/pd/').length >= 4,
      { timeoutMs: 20_000, what: 'notifications with resolved alerts from Alertmanager' });
    await am.postAlerts(alerts(2));
    await waitFor(() => on(sink, '/webhook/defaults').length >= 3 && on(sink, '/webhook/custom').length >= 3 && on(sink, '/slack/').length >= 6 && on(sink, '/pd/').length >= 6 && smtp.mails.length >= 8,
      { timeoutMs: 20_000, what: 'all-resolved notifications from Alertmanager' });
  });
  after(async () => {
    await am?.stop();
    await sink?.stop();
    await smtp?.stop();
  });

  function receiverCfg(name: string) {
    return cfg.receivers.find((r) => r.name === name)!;
  }
  function rounds(receiver: string) {
    return on(sink, `/webhook/${receiver}`).map((r) => message(r.body));
  }

  for (const receiver of ['defaults', 'custom']) {
    it(`${receiver}: Slack payloads equal Alertmanager's (firing, then firing + resolved, then resolved)`, () => {
      const hooks = rounds(receiver);
      const sent = on(sink, `/slack/${receiver}`);
      assert.equal(hooks.length, 3);
      assert.equal(sent.length, 3);
      assert.equal(hooks[2].status, 'resolved');
      hooks.forEach((msg, i) => assert.deepEqual(slackPayload(msg, receiverCfg(receiver).slack_configs[0], templates), sent[i].body, `round ${i}`));
    });

    it(`${receiver}: PagerDuty events equal Alertmanager's`, () => {
      const hooks = rounds(receiver);
      const sent = on(sink, `/pd/${receiver}`);
      assert.equal(sent.length, 3);
      assert.equal(sent[2].body.event_action, 'resolve');
      hooks.forEach((msg, i) => {
        const pd = receiverCfg(receiver).pagerduty_configs[0];
        assert.deepEqual(pagerdutyEvent(msg, pd, pd.routing_key!, templates), sent[i].body, `round ${i}`);
      });
    });
  }

  function mailsTo(addr: string) {
    return smtp.mails.filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).some((t) => t?.text === addr));
  }

  it('defaults: email subject and headers equal Alertmanager\'s; Alertmanager\'s email.tmpl renders its html byte for byte', () => {
    const hooks = rounds('defaults');
    const mails = mailsTo('defaults@example.org');
    assert.equal(mails.length, 3);
    assert.match(mails[2].subject ?? '', /^\[RESOLVED\] HighLatency /);
    hooks.forEach((msg, i) => {
      const ours = emailContent(msg, receiverCfg('defaults').email_configs[0], 'am@example.org', withAmEmail);
      assert.equal(ours.subject, mails[i].subject);
      assert.equal(ours.headers['X-Team'], mails[i].headers.get('x-team'));
      assert.equal(ours.html, mails[i].html, `round ${i}: html`);
      assert.equal(ours.text, undefined);
      // Lookout's own default html carries the same subject and data.
      const lookout = emailContent(msg, receiverCfg('defaults').email_configs[0], 'am@example.org', templates);
      assert.equal(lookout.subject, mails[i].subject);
      assert.match(lookout.html!, /p99 above 1s/);
    });
  });

  it('custom: email subject, html and text from operator templates equal Alertmanager\'s', () => {
    const hooks = rounds('custom');
    const mails = mailsTo('custom@example.org');
    assert.equal(mails.length, 3);
    hooks.forEach((msg, i) => {
      const ours = emailContent(msg, receiverCfg('custom').email_configs[0], 'am@example.org', templates);
      assert.equal(ours.subject, mails[i].subject);
      assert.equal(ours.html, mails[i].html, `round ${i}: html`);
      assert.equal(ours.text, mails[i].text, `round ${i}: text`);
    });
  });

  it('html: values with markup, quotes and unsafe URLs are escaped exactly as html/template escapes them', () => {
    const [msg] = rounds('html');
    const def = mailsTo('html@example.org');
    const custom = mailsTo('html-custom@example.org');
    assert.equal(def.length, 1);
    assert.equal(custom.length, 1);
    const r = receiverCfg('html');
    assert.equal(emailContent(msg, r.email_configs[0], 'am@example.org', withAmEmail).html, def[0].html);
    const ours = emailContent(msg, r.email_configs[1], 'am@example.org', templates).html!;
    assert.equal(ours, custom[0].html);
    assert.match(ours, /#ZgotmplZ/, 'a javascript: URL is neutralised');
    assert.match(ours, /5 &lt; 6 &amp; &#34;q&#34; &#39;a&#43;b&#39;/, 'values are escaped for HTML text');
    assert.match(ours, /\?q=x%3cy%3e%26%22z%22%20%c3%bc%e2%9c%93&r=/, 'values in a URL query are percent-encoded (UTF-8 bytes)');
    assert.match(ours, /<script>alert\(1\)<\/script>/, 'safeHtml is the operator\'s explicit opt-out, as in Alertmanager');
  });
});
