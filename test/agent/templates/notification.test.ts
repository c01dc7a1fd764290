import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alertingConfigSchema } from '../../../agent/alerting/config';
import { loadConfigFile } from '../../../agent/config/load';
import { validateReferencedFiles } from '../../../agent/config/referenced';
import { ConfigReloader } from '../../../agent/service/reload';
import pino from 'pino';
import { slackPayload } from '../../../agent/notify/slack';
import { TemplateRenderError } from '../../../agent/notify/render';
import { globMatch, expandTemplateGlobs, NotificationTemplates, NotificationTemplateError, validateTemplateFiles } from '../../../agent/templates/notification';
import { advance, alert, startNotifier } from '../alerting/harness';
import { Recorder } from '../notify/recorder';
import type { TemplateMessage } from '../../../agent/templates/notification-data';
import { waitFor } from '../../helpers/wait';

const MSG: TemplateMessage & { groupKey: string } = {
  receiver: 'team a', status: 'firing', externalURL: 'http://lookout:9464', groupKey: '{}:{}',
  groupLabels: { service: 'api' },
  commonLabels: { service: 'api', zone: 'eu', alertname: 'Up' },
  commonAnnotations: { summary: 's' },
  alerts: [
    { status: 'firing', labels: { alertname: 'Up', service: 'api', zone: 'eu' }, annotations: { summary: 's' }, startsAt: '2026-01-02T03:04:05.5Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://g', fingerprint: 'f1' },
    { status: 'resolved', labels: { alertname: 'Up', service: 'api', zone: 'eu', b: '1' }, annotations: { summary: 's' }, startsAt: '2026-01-02T03:04:05Z', endsAt: '2026-01-02T04:00:00Z', generatorURL: '', fingerprint: 'f2' },
  ],
};

describe('notification templates (Alertmanager data model)', () => {
  const t = NotificationTemplates.defaults();
  const d = t.data(MSG);
  const run = (text: string) => t.text(text, d);

  it('KV methods: SortedPairs (alertname first), Names, Values, Remove; Alerts.Firing/Resolved', () => {
    assert.equal(run('{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }},{{ end }}'), 'alertname=Up,service=api,zone=eu,');
    assert.equal(run('{{ .CommonLabels.Names }} {{ .CommonLabels.Values }} {{ .CommonLabels.SortedPairs.Values }}'), '[alertname service zone] [Up api eu] [Up api eu]');
    assert.equal(run('{{ .CommonLabels.Remove .GroupLabels.Names }}'), 'map[alertname:Up zone:eu]');
    assert.equal(run('{{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }} {{ range .Alerts.Resolved }}{{ .Fingerprint }} {{ .EndsAt }}{{ end }}'), '1/1 f2 2026-01-02 04:00:00 +0000 UTC');
    assert.equal(run('{{ (index .Alerts 0).StartsAt }} {{ (index .Alerts 0).EndsAt }}'), '2026-01-02 03:04:05.5 +0000 UTC 0001-01-01 00:00:00 +0000 UTC');
    assert.equal(run('{{ .Receiver }}|{{ .Status }}|{{ .ExternalURL }}|{{ .CommonAnnotations.summary }}|{{ .CommonLabels.nope }}|'), 'team a|firing|http://lookout:9464|s||');
  });

  it("Alertmanager's functions: toUpper, toLower, title, join, match, reReplaceAll, safeHtml, stringSlice", () => {
    assert.equal(run('{{ "ab" | toUpper }} {{ "AB" | toLower }} {{ title "hello world" }} {{ join "-" (stringSlice "a" "b") }}'), 'AB ab Hello World a-b');
    assert.equal(run('{{ match "^a.c$" "abc" }} {{ reReplaceAll "(a)(b)" "$2$1" "xab" }} {{ safeHtml "<b>" }}'), 'true xba <b>');
  });

  it('default templates: subject, titlelink, instances', () => {
    assert.equal(run('{{ template "__subject" . }}'), '[FIRING:1] api (Up eu)');
    assert.equal(run('{{ template "slack.default.titlelink" . }}'), 'http://lookout:9464/#/alerts?receiver=team+a');
    assert.equal(run('{{ template "pagerduty.default.instances" .Alerts.Firing }}'), 'Labels:\n - alertname = Up\n - service = api\n - zone = eu\nAnnotations:\n - summary = s\nSource: http://g\n');
  });

  it('runtime errors are Go\'s; a broken field fails the Slack rendering with that error', () => {
    assert.throws(() => run('{{ .CommonLabels.Remove 1 }}'), (err: Error) => err instanceof NotificationTemplateError && /can't handle 1 for arg of type \[\]string/.test(err.message));
    const cfg = alertingConfigSchema.parse({ route: { receiver: 'a' }, receivers: [{ name: 'a', slack_configs: [{ api_url: 'http://x/', title: '{{ template "nope" . }}' }] }] });
    assert.throws(() => slackPayload(MSG, cfg.receivers[0].slack_configs[0], t), (err: Error) => err instanceof TemplateRenderError && /template "nope" not defined/.test(err.message));
  });

  it('Slack data escapes label and annotation values, not the operator\'s template text', () => {
    const cfg = alertingConfigSchema.parse({ route: { receiver: 'a' }, receivers: [{ name: 'a', slack_configs: [{ api_url: 'http://x/', text: '<https://runbook|{{ .CommonLabels.x }}>' }] }] });
    const msg = { ...MSG, commonLabels: { x: '<!channel>' } };
    assert.equal((slackPayload(msg, cfg.receivers[0].slack_configs[0], t).attachments as { text: string }[])[0].text, '<https://runbook|&lt;!channel&gt;>');
  });

  it('html: contextual escaping in text, attributes and URLs; comments dropped', () => {
    const h = (text: string) => t.html(text, d);
    const data = t.data({ ...MSG, commonLabels: { v: `<a href="x">'&+` , u: 'javascript:alert(1)', q: 'a b&c' } });
    assert.equal(t.html('<p title="{{ .CommonLabels.v }}">{{ .CommonLabels.v }}</p><!-- c -->', data), '<p title="&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#43;">&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#43;</p>');
    assert.equal(t.html('<a href="{{ .CommonLabels.u }}">x</a><a href="/s?q={{ .CommonLabels.q }}">y</a>', data), '<a href="#ZgotmplZ">x</a><a href="/s?q=a%20b%26c">y</a>');
    assert.equal(h('{{ safeHtml "<b>ok</b>" }}'), '<b>ok</b>');
  });

  it('templates: files by glob relative to the config dir, later definitions win; bad files are named', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-tmpl-'));
    try {
      mkdirSync(path.join(dir, 't'));
      writeFileSync(path.join(dir, 't', 'a.tmpl'), '{{ define "slack.default.title" }}custom {{ .Status }}{{ end }}{{ define "x" }}A{{ end }}');
      writeFileSync(path.join(dir, 't', 'b.tmpl'), '{{ define "x" }}B{{ end }}');
      writeFileSync(path.join(dir, 't', 'c.txt'), '{{ define "x" }}C{{ end }}');
      assert.deepEqual(expandTemplateGlobs(['t/*.tmpl'], dir), [path.join(dir, 't', 'a.tmpl'), path.join(dir, 't', 'b.tmpl')]);
      const loaded = NotificationTemplates.load(['t/*.tmpl', 'missing/*.tmpl'], dir);
      assert.equal(loaded.text('{{ template "slack.default.title" . }} {{ template "x" . }}', loaded.data(MSG)), 'custom firing B');
      writeFileSync(path.join(dir, 't', 'b.tmpl'), '{{ define "x" }}{{ end');
      assert.throws(() => NotificationTemplates.load(['t/*.tmpl'], dir), /b\.tmpl: template: b\.tmpl:1: /);
      assert.throws(() => NotificationTemplates.load(['t/nope.tmpl'], dir), /cannot read .*nope\.tmpl/);
      assert.throws(() => expandTemplateGlobs(['*/a.tmpl'], dir), /wildcards are supported in the file name only/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('check-config/reload validation names the bad file; a reload re-reads edited template files', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-tmpl-'));
    const rec = await new Recorder().start();
    try {
      writeFileSync(path.join(dir, 'org.tmpl'), '{{ define "org.title" }}v1 {{ .Status }}{{ end }}');
      assert.deepEqual(validateTemplateFiles(['*.tmpl'], dir), []);
      const h = await startNotifier(`templates: ['*.tmpl']
route: {receiver: chat, group_wait: 0s, group_by: [alertname]}
receivers: [{name: chat, slack_configs: [{api_url: "${rec.url}/hook", title: '{{ template "org.title" . }}'}]}]`, { options: { baseDir: dir } });
      try {
        h.notifier.send([alert({ alertname: 'A' }, h.clock)]);
        await advance(h, 0);
        assert.equal(rec.requests[0].body.attachments[0].title, 'v1 firing');
        writeFileSync(path.join(dir, 'org.tmpl'), '{{ define "org.title" }}v2 {{ .Status }}{{ end }}');
        h.notifier.reloadTemplates();
        h.notifier.send([alert({ alertname: 'B' }, h.clock)]);
        await advance(h, 0);
        await waitFor(() => rec.requests.length === 2, { what: 'second post' });
        assert.equal(rec.requests[1].body.attachments[0].title, 'v2 firing');
        writeFileSync(path.join(dir, 'org.tmpl'), '{{ define "org.title" }}{{ .Status');
        assert.deepEqual(validateTemplateFiles(['*.tmpl'], dir).map((p) => p.path), ['alerting.templates']);
        assert.match(validateTemplateFiles(['*.tmpl'], dir)[0].message, /^org\.tmpl: template: org\.tmpl:1: /);
        assert.throws(() => h.notifier.reloadTemplates(), NotificationTemplateError);
        // check-config and reload validation see it through the config loader.
        writeFileSync(path.join(dir, 'lookout.yaml'), 'alerting:\n  templates: ["*.tmpl"]\n');
        const problems = validateReferencedFiles(loadConfigFile(path.join(dir, 'lookout.yaml')));
        assert.deepEqual(problems.filter((p) => p.path === 'alerting.templates').length, 1, JSON.stringify(problems));
        // POST /-/reload with the config file unchanged re-reads the template files (as Alertmanager's reload does).
        const reloader = new ConfigReloader(loadConfigFile(path.join(dir, 'lookout.yaml')), {
          admin: { applyConfig: () => [] } as never, logger: pino({ level: 'silent' }), meter: h.host.meter,
          component: (id) => (id === 'alerting' ? h.notifier : undefined),
        });
        const refused = await reloader.reload();
        assert.equal(refused.ok, false);
        assert.match(refused.problems.join('\n'), /alerting\.templates: org\.tmpl: template: org\.tmpl:1: /);
        writeFileSync(path.join(dir, 'org.tmpl'), '{{ define "org.title" }}v3 {{ .Status }}{{ end }}');
        assert.equal((await reloader.reload()).ok, true);
        h.notifier.send([alert({ alertname: 'C' }, h.clock)]);
        await advance(h, 0);
        await waitFor(() => rec.requests.length === 3, { what: 'third post' });
        assert.equal(rec.requests[2].body.attachments[0].title, 'v3 firing');
      } finally {
        await h.notifier.shutdown();
        await h.host.cleanup();
      }
    } finally {
      await rec.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("globMatch is Go's filepath.Match for one element", () => {
    assert.ok(globMatch('*.tmpl', 'a.tmpl'));
    assert.ok(!globMatch('*.tmpl', 'a.tmpl.bak'));
    assert.ok(globMatch('a?c', 'abc'));
    assert.ok(globMatch('[a-c]x', 'bx'));
    assert.ok(!globMatch('[^a-c]x', 'bx'));
    assert.ok(globMatch('*a*b*', 'xxaybzb'));
    assert.ok(!globMatch('a*', 'ba'));
  });
});
