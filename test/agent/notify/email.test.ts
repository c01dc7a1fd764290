import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAuthentication } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { counterValue } from '../../helpers/test-host';
import { waitFor } from '../../helpers/wait';
import { advance, alert, startNotifier, type Harness } from '../alerting/harness';

interface Received { mail: ParsedMail; from: string; to: string[]; secure: boolean; user: string; method: string }

describe('email_configs (nodemailer against smtp-server)', function () {
  this.timeout(30_000);
  let server: SMTPServer;
  let port = 0;
  const received: Received[] = [];
  const auths: { method: string; username: string; ok: boolean }[] = [];
  let h: Harness | undefined;

  before(async () => {
    server = new SMTPServer({
      // Its built-in self-signed certificate serves STARTTLS.
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth(auth: SMTPServerAuthentication, _session, cb) {
        const ok = auth.username === 'alerts' && auth.password === 's3cret';
        auths.push({ method: auth.method, username: auth.username ?? '', ok });
        if (!ok) { cb(new Error('Invalid username or password')); return; }
        cb(null, { user: auth.username });
      },
      onData(stream, session, cb) {
        simpleParser(stream).then((mail) => {
          received.push({
            mail, secure: session.secure, user: String(session.user), method: auths.at(-1)?.method ?? '',
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address),
          });
          cb();
        }, cb);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  after(async () => { await new Promise<void>((resolve) => server.close(() => resolve())); });
  afterEach(async () => { await h?.notifier.shutdown(); await h?.host.cleanup(); h = undefined; received.length = 0; auths.length = 0; });

  it('sends over STARTTLS with PLAIN auth: subject, from, to, headers, html and text list alerts with labels', async () => {
    h = await startNotifier(`external_url: http://lookout.example:9464
global: {smtp_from: 'lookout@example.org', smtp_smarthost: '127.0.0.1:${port}', smtp_hello: lookout-test}
route: {receiver: mail, group_wait: 0s, group_by: [alertname]}
receivers:
  - name: mail
    email_configs:
      - to: oncall@example.org
        auth_username: alerts
        auth_password: s3cret
        tls_config: {insecure_skip_verify: true}
        headers: {X-Team: payments}`);
    h.notifier.send([
      alert({ alertname: 'ErrorRate', severity: 'critical', service: 'checkout' }, h.clock, { annotations: { summary: 'Errors above 5%', description: 'checkout 5xx' } }),
      alert({ alertname: 'ErrorRate', severity: 'critical', service: 'cart' }, h.clock, { annotations: { summary: 'Errors above 5%' } }),
    ]);
    await advance(h, 0);
    await waitFor(() => received.length === 1, { what: 'the mail' });
    const r = received[0];
    assert.equal(r.secure, true, 'STARTTLS was used (require_tls defaults to true)');
    assert.equal(r.user, 'alerts');
    assert.equal(r.method, 'PLAIN');
    assert.equal(r.from, 'lookout@example.org');
    assert.deepEqual(r.to, ['oncall@example.org']);
    assert.equal(r.mail.subject, '[FIRING:2] ErrorRate (critical)');
    assert.equal(r.mail.from?.text, 'lookout@example.org');
    assert.equal((r.mail.to as { text: string }).text, 'oncall@example.org');
    assert.equal(r.mail.headers.get('x-team'), 'payments');
    for (const body of [r.mail.text ?? '', String(r.mail.html)]) {
      assert.match(body, /ErrorRate/);
      assert.match(body, /checkout/);
      assert.match(body, /cart/);
      assert.match(body, /severity/);
      assert.match(body, /Errors above 5%/);
      assert.match(body, /checkout 5xx/);
    }
    assert.match(String(r.mail.html), /<h3>\[2\] Firing<\/h3>/);
  });

  it('a wrong password is refused (only that integration fails); auth_identity logs in with PLAIN + authorization identity', async () => {
    h = await startNotifier(`route: {receiver: mail, group_wait: 0s, group_by: [alertname]}
receivers:
  - name: mail
    email_configs:
      - {to: a@example.org, from: l@example.org, smarthost: '127.0.0.1:${port}', auth_username: alerts, auth_password: wrong, tls_config: {insecure_skip_verify: true}}
      - {to: b@example.org, from: l@example.org, smarthost: '127.0.0.1:${port}', auth_username: alerts, auth_password: s3cret, auth_identity: alerts, tls_config: {insecure_skip_verify: true}}`);
    h.notifier.send([alert({ alertname: 'Auth' }, h.clock)]);
    await advance(h, 0);
    assert.deepEqual(received.map((r) => r.to[0]), ['b@example.org']);
    assert.ok(auths.filter((a) => !a.ok).length >= 1, 'the wrong password was tried and refused');
    assert.ok(auths.some((a) => a.ok && a.method === 'PLAIN'));
  });

  it('logs in with LOGIN when the server offers only LOGIN; password from auth_password_file', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-email-'));
    writeFileSync(path.join(dir, 'smtp-pass'), 's3cret\n');
    const logins: string[] = [];
    const loginOnly = new SMTPServer({
      authMethods: ['LOGIN'],
      logger: false,
      onAuth(auth, _session, cb) {
        logins.push(`${auth.method}:${auth.username}:${auth.password}`);
        cb(null, { user: auth.username });
      },
      onData(stream, _s, cb) { simpleParser(stream).then((mail) => { received.push({ mail, from: '', to: [], secure: true, user: '', method: 'LOGIN' }); cb(); }, cb); },
    });
    await new Promise<void>((resolve) => loginOnly.listen(0, '127.0.0.1', resolve));
    const loginPort = (loginOnly.server.address() as AddressInfo).port;
    try {
      h = await startNotifier(`global: {smtp_from: l@example.org, smtp_smarthost: '127.0.0.1:${loginPort}', smtp_auth_username: alerts, smtp_auth_password_file: smtp-pass}
route: {receiver: mail, group_wait: 0s}
receivers: [{name: mail, email_configs: [{to: a@example.org, tls_config: {insecure_skip_verify: true}}]}]`, { options: { baseDir: dir } });
      h.notifier.send([alert({ alertname: 'Login' }, h.clock)]);
      await advance(h, 0);
      assert.deepEqual(logins, ['LOGIN:alerts:s3cret']);
      assert.equal(received.length, 1);
      assert.equal(received[0].mail.subject, '[FIRING:1]  (Login)');
    } finally {
      await new Promise<void>((resolve) => loginOnly.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a server without STARTTLS when require_tls is true', async () => {
    const plain = new SMTPServer({ disabledCommands: ['STARTTLS', 'AUTH'], logger: false, onData(stream, _s, cb) { stream.resume(); stream.on('end', () => cb()); } });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const plainPort = (plain.server.address() as AddressInfo).port;
    try {
      h = await startNotifier(`route: {receiver: mail, group_wait: 0s}
receivers: [{name: mail, email_configs: [{to: a@example.org, from: l@example.org, smarthost: '127.0.0.1:${plainPort}'}]}]`);
      h.notifier.send([alert({ alertname: 'NoTls' }, h.clock)]);
      await advance(h, 0);
      assert.ok(await counterValue(h.host, 'lookout_notifications_failed_total', { integration: 'email', receiver: 'mail' }) >= 1);
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });
});
