/**
 * "A visible notification within a minute of /simulate/error traffic": the
 * compose stack's sidecar config (deploy/lookout.yaml, as shipped; only
 * listen addresses, storage and the catchers' addresses differ, through the
 * variables the file reads) with the default rule pack, the demo app
 * instrumented by the preload, and the stack's webhook echo plus an SMTP
 * server standing in for Mailpit.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createServer } from '../../deploy/webhook-echo/server';
import { freePort, startAgent, type AgentProcess } from '../helpers/agent-process';
import { repoRoot } from '../helpers/repo';
import { waitFor } from '../helpers/wait';
import { stopAllApps, type AppProcess } from '../instrumentation/helpers/preload-harness';
import { driveDemoApp, startDemoApp } from '../helpers/demo-app';

describe('compose stack in miniature: /simulate/error -> notification within a minute', function () {
  this.timeout(120_000);
  let agent: AgentProcess;
  let demo: AppProcess;
  const echoed: string[] = [];
  const echo = createServer((l) => echoed.push(l));
  const mails: ParsedMail[] = [];
  let smtp: SMTPServer;

  before(async () => {
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _s, done) { simpleParser(stream).then((m) => { mails.push(m); done(); }, done); },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const shipped = parse(readFileSync(path.join(repoRoot, 'deploy/lookout.yaml'), 'utf8')) as Record<string, any>;
    // Listen addresses and storage come from the test harness (free loopback ports, a tmp dir); the rest as shipped.
    const { receivers: _r, admin: _a, storage: _s, ...rest } = shipped;
    const otlpPort = await freePort();
    agent = await startAgent({
      ...rest,
      receivers: { otlp: { http: { endpoint: `127.0.0.1:${otlpPort}` }, grpc: { endpoint: `127.0.0.1:${await freePort()}` } } },
      exporters: { otlp: { ...shipped.exporters.otlp, endpoint: `http://127.0.0.1:${await freePort()}` } },
    }, {
      otlpPort,
      env: {
        LOOKOUT_ALERT_WEBHOOK: `http://127.0.0.1:${(echo.address() as AddressInfo).port}/alerts`,
        LOOKOUT_SMARTHOST: `127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      },
    });
    demo = await startDemoApp(agent.otlpUrl);
  });

  after(async () => {
    await stopAllApps();
    await agent?.stop();
    echo.closeAllConnections();
    await new Promise((r) => echo.close(r));
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  });

  it('HighErrorRate of the default pack reaches the webhook echo and the mail catcher', async () => {
    const start = Date.now();
    const drive = driveDemoApp(demo, () => '/simulate/error', 25);
    try {
      const line = await waitFor(() => echoed.find((l) => l.includes('HighErrorRate')), { timeoutMs: 60_000, intervalMs: 200, what: `a webhook notification; agent:\n${agent.output().slice(-2000)}` });
      const after = Date.now() - start;
      assert.ok(after < 60_000, `notified after ${after} ms`);
      assert.match(line, /^\[FIRING:1\] HighErrorRate -> demo-catchers: demo-app: /);
      const mail = await waitFor(() => mails.find((m) => /HighErrorRate/.test(m.subject ?? '')), { timeoutMs: 30_000, what: 'the alert email' });
      assert.match(mail.subject ?? '', /FIRING/);
    } finally {
      await drive.stop();
    }
  });
});
