/**
 * End to end, the sidecar's reason to exist: the demo app, instrumented only
 * through the injected preload, is driven into errors; a webhook, a Slack
 * message and an email arrive within evaluation interval + group_wait + a few
 * seconds, and resolved messages follow once the errors stop.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { startAgent, type AgentProcess } from '../helpers/agent-process';
import { repoRoot } from '../helpers/repo';
import { waitFor } from '../helpers/wait';
import { stopAllApps, type AppProcess } from '../instrumentation/helpers/preload-harness';
import { driveDemoApp, startDemoApp } from '../helpers/demo-app';

interface Recorded { path: string; body: Record<string, unknown> }

async function recorder(): Promise<{ url: string; got: Recorded[]; close(): void }> {
  const got: Recorded[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ path: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, close: () => { server.closeAllConnections(); server.close(); } };
}

describe('e2e: demo app errors -> local rule -> webhook, Slack and email', function () {
  this.timeout(120_000);
  let agent: AgentProcess;
  let demo: AppProcess;
  let agentConfig: Record<string, unknown>;
  let hooks: Awaited<ReturnType<typeof recorder>>;
  const mails: ParsedMail[] = [];
  let smtp: SMTPServer;
  let smtpPort = 0;

  before(async () => {
    hooks = await recorder();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, done) {
        simpleParser(stream).then((m) => { mails.push(m); done(); }, done);
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    agentConfig = {
      rules: {
        files: [path.join(repoRoot, 'test/e2e/testdata/demo-errors.rules.yaml')],
        evaluation_interval: '1s',
        default_pack: { enabled: false },
      },
      alerting: {
        route: { receiver: 'oncall', group_by: ['alertname', 'service_name'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
        receivers: [{
          name: 'oncall',
          webhook_configs: [{ url: `${hooks.url}/webhook`, send_resolved: true }],
          slack_configs: [{ api_url: `${hooks.url}/slack`, channel: '#alerts', send_resolved: true }],
          email_configs: [{ to: 'oncall@example.test', from: 'lookout@example.test', smarthost: `127.0.0.1:${smtpPort}`, require_tls: false, send_resolved: true }],
        }],
      },
    };
    agent = await startAgent(agentConfig);
    demo = await startDemoApp(agent.otlpUrl, { DEMO_ERROR_RATE: '1' });
  });

  after(async () => {
    await stopAllApps();
    await agent?.stop();
    hooks?.close();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  });

  it('fires on errors and resolves after they stop', async () => {
    // Drive errors until the alert fires (the rule looks at a 10 s window).
    const drive = driveDemoApp(demo, () => '/simulate/error');
    const startedErrors = Date.now();
    const firing = await waitFor(() => hooks.got.find((r) => r.path === '/webhook' && r.body.status === 'firing'), { timeoutMs: 40_000, what: 'firing webhook' });
    await drive.stop();
    const firedAfter = Date.now() - startedErrors;
    // evaluation interval (1 s) + group_wait (1 s) + export/flush delays + rate window warm-up: a few seconds
    assert.ok(firedAfter < 30_000, `fired after ${firedAfter} ms`);

    const body = firing.body as { version: string; receiver: string; alerts: { labels: Record<string, string>; annotations: Record<string, string>; status: string }[]; groupLabels: Record<string, string> };
    assert.equal(body.version, '4');
    assert.equal(body.receiver, 'oncall');
    assert.equal(body.alerts[0].labels.alertname, 'DemoErrorRatioHigh');
    assert.equal(body.alerts[0].labels.service_name, 'demo-app');
    assert.match(body.alerts[0].annotations.summary, /^demo-app answers \d+(\.\d+)?% of requests with errors$/);

    const slack = await waitFor(() => hooks.got.find((r) => r.path === '/slack'), { what: 'Slack message' });
    assert.equal((slack.body as { channel: string }).channel, '#alerts');
    assert.match(JSON.stringify(slack.body), /DemoErrorRatioHigh/);

    const mail = await waitFor(() => mails[0], { what: 'email' });
    assert.match(mail.subject ?? '', /FIRING.*DemoErrorRatioHigh/);
    assert.match(mail.text ?? '', /demo-app/);

    // The errors stopped: once the 10 s window has no errors, resolved notifications follow.
    const resolved = await waitFor(() => hooks.got.find((r) => r.path === '/webhook' && r.body.status === 'resolved'), { timeoutMs: 60_000, what: 'resolved webhook' });
    assert.equal((resolved.body as { alerts: { status: string }[] }).alerts[0].status, 'resolved');
    await waitFor(() => mails.find((m) => /RESOLVED/.test(m.subject ?? '')), { what: 'resolved email' });
    const firingWebhooks = hooks.got.filter((r) => r.path === '/webhook' && r.body.status === 'firing');
    assert.equal(firingWebhooks.length, 1, 'one firing notification (repeat_interval 1h)');
  });

  it('a restart while firing forgets nothing and re-sends nothing', async () => {
    const before = hooks.got.length;
    const drive = driveDemoApp(demo, () => '/simulate/error');
    try {
      const firing = await waitFor(() => hooks.got.slice(before).find((r) => r.path === '/webhook' && r.body.status === 'firing'), { timeoutMs: 40_000, what: 'firing again' });
      const startsAt = (firing.body as { alerts: { startsAt: string }[] }).alerts[0].startsAt;
      // Restart the agent on the same storage and ports; the app keeps sending.
      assert.equal(await agent.stop(), 0);
      const restartedAt = Date.now();
      const ports = { otlpPort: Number(new URL(agent.otlpUrl).port), adminPort: Number(new URL(agent.adminUrl).port) };
      agent = await startAgent(agentConfig, { dir: agent.dir, ...ports });
      // The restored alert is firing with its original active time...
      const restored = await waitFor(async () => {
        const res = await (await fetch(`${agent.adminUrl}/api/v1/alerts`)).json() as { data: { alerts: { labels: Record<string, string>; state: string; activeAt: string }[] } };
        return res.data.alerts.find((a) => a.labels.alertname === 'DemoErrorRatioHigh' && a.state === 'firing');
      }, { timeoutMs: 20_000, what: 'restored firing alert' });
      assert.ok(new Date(restored.activeAt).getTime() < restartedAt, `activeAt predates the restart (restored, not new): ${restored.activeAt} vs startsAt ${startsAt}, restart ${new Date(restartedAt).toISOString()}`);
      // ...and the notifier holds it, past group_wait and several group_interval flushes.
      const evals = async () => {
        const text = await (await fetch(`${agent.adminUrl}/metrics`)).text();
        return [...text.matchAll(/^lookout_rule_evaluations_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
      };
      const start = await evals();
      await waitFor(async () => (await evals()) >= start + 5, { timeoutMs: 30_000, what: '5 more rule evaluations after the restart' });
      const firingAfter = hooks.got.slice(before).filter((r) => r.path === '/webhook' && r.body.status === 'firing');
      assert.equal(firingAfter.length, 1, 'no second firing notification after the restart (repeat_interval 1h)');
    } finally {
      await drive.stop();
    }
  });
});
