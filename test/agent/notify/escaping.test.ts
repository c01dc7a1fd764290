/**
 * Labels and annotations are user-controlled (metrics, rules, API callers):
 * they reach Slack templates with &, <, > escaped (no live @channel mention, no
 * disguised link; the operator's template text stays markup) and email HTML bodies HTML-escaped (no markup, no
 * javascript: link), through the real notifier and delivery.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { waitFor } from '../../helpers/wait';
import { advance, alert, startNotifier, type Harness } from '../alerting/harness';
import { Recorder } from './recorder';

const EVIL = {
  alertname: 'Evil',
  mention: '<!channel>',
  link: '<https://evil.example|reset your password>',
  xss: '<script>alert(1)</script>',
  amp: 'a&b',
};
const EVIL_ANNOTATIONS = { summary: 'hey <!here> <@U123>', description: '<https://x|y> & <b>bold</b>' };

describe('escaping user-controlled text in notifications', function () {
  this.timeout(30_000);
  let h: Harness | undefined;
  afterEach(async () => { await h?.notifier.shutdown(); await h?.host.cleanup(); h = undefined; });

  it('Slack: &, <, > escaped in title, text and fallback, so mentions and links arrive inert', async () => {
    const rec = await new Recorder().start();
    try {
      h = await startNotifier(`route: {receiver: chat, group_wait: 0s, group_by: [alertname, mention, link]}
receivers:
  - name: chat
    slack_configs:
      - api_url: "${rec.url}/hook"
        text: '{{ range .Alerts }}{{ .Annotations.summary }} {{ .Annotations.description }} {{ range .Labels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}{{ end }}'`);
      h.notifier.send([alert(EVIL, h.clock, { annotations: EVIL_ANNOTATIONS, generatorURL: 'http://prom/graph' })]);
      await advance(h, 0);
      await waitFor(() => rec.requests.length === 1, { what: 'the Slack post' });
      const att = rec.requests[0].body.attachments[0] as Record<string, string>;
      for (const field of ['title', 'text', 'fallback']) {
        const v = att[field];
        assert.doesNotMatch(v, /<!channel>|<!here>|<@U123>|<https:\/\/|<script>|<b>/, `${field}: ${v}`);
      }
      assert.match(att.title, /&lt;!channel&gt;/);
      assert.match(att.title, /&lt;https:\/\/evil\.example\|reset your password&gt;/);
      assert.match(att.text, /&lt;!here&gt; &lt;@U123&gt;/);
      assert.match(att.text, /&lt;https:\/\/x\|y&gt; &amp; &lt;b&gt;bold&lt;\/b&gt;/);
      assert.match(att.text, /amp=a&amp;b/);
      assert.match(att.text, /xss=&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    } finally {
      await rec.stop();
    }
  });

  it('Slack: an operator\'s literal title from the config is sent as written (links belong there)', async () => {
    const rec = await new Recorder().start();
    try {
      h = await startNotifier(`route: {receiver: chat, group_wait: 0s}
receivers: [{name: chat, slack_configs: [{api_url: "${rec.url}/hook", title: "<https://runbooks.example/db|runbook>"}]}]`);
      h.notifier.send([alert(EVIL, h.clock)]);
      await advance(h, 0);
      await waitFor(() => rec.requests.length === 1, { what: 'the Slack post' });
      assert.equal(rec.requests[0].body.attachments[0].title, '<https://runbooks.example/db|runbook>');
    } finally {
      await rec.stop();
    }
  });

  it('email: the HTML body escapes labels and annotations, and links only http(s) sources', async () => {
    const received: ParsedMail[] = [];
    const server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onData(stream, _s, cb) { simpleParser(stream).then((m) => { received.push(m); cb(); }, cb); },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.server.address() as AddressInfo).port;
      h = await startNotifier(`global: {smtp_from: 'l@example.org', smtp_smarthost: '127.0.0.1:${port}', smtp_require_tls: false}
route: {receiver: mail, group_wait: 0s}
receivers: [{name: mail, email_configs: [{to: o@example.org}]}]`);
      h.notifier.send([alert(EVIL, h.clock, { annotations: EVIL_ANNOTATIONS, generatorURL: 'javascript:alert(1)' })]);
      await advance(h, 0);
      await waitFor(() => received.length === 1, { what: 'the mail' });
      const html = String(received[0].html);
      assert.doesNotMatch(html, /<script>|<!channel>|<b>bold|javascript:/);
      assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.match(html, /&lt;https:\/\/evil\.example\|reset your password&gt;/);
      assert.match(html, /&lt;b&gt;bold&lt;\/b&gt;/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
