/**
 * Secrets never leave, checked on the real `lookout run` process: a config
 * holding a distinct secret in every secret field (Slack/webhook URLs,
 * PagerDuty key, SMTP passwords, http_config credentials, Alertmanager
 * userinfo and headers, exporter headers). None of them appears in any GET
 * response body, /metrics, any line the agent writes (its stdout and
 * stderr, failures and a failed reload included), or check-config's
 * output. URLs with user:password@ work: the credentials go as basic auth,
 * to a webhook and to a real Alertmanager 0.25 requiring basic auth.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcrypt';
import { stringify } from 'yaml';
import { freePort, startAgent, type AgentProcess } from '../helpers/agent-process';
import { repoRoot } from '../helpers/repo';
import { waitFor } from '../helpers/wait';
import { Recorder } from '../agent/notify/recorder';

const AM_BIN = '/usr/bin/prometheus-alertmanager';
const S = {
  slackGlobal: 'SECRETslackGLOBAL1a2b',
  slackRecv: 'SECRETslackRECV2c3d',
  webhook: 'SECRETwebhookPATH3e4f',
  hookPass: 'SECREThookPASS4g5h',
  pdKey: 'SECRETpdKEY5i6j',
  smtpGlobal: 'SECRETsmtpGLOBAL6k7l',
  smtpRecv: 'SECRETsmtpRECV7m8n',
  bearer: 'SECRETbearerCRED8o9p',
  basicPw: 'SECRETbasicPW9q0r',
  amPass: 'SECRETamPASS0s1t',
  amHeader: 'SECRETamHEADER1u2v',
  exporter: 'SECRETexporterHDR2w3x',
  reloadUrl: 'SECRETreloadURL3y4z',
  echoed: 'SECRETechoedTOKEN4a5b',
};
const ALL = Object.values(S);

function assertNoSecret(where: string, text: string): void {
  for (const s of ALL) assert.ok(!text.includes(s), `${where} contains ${s}:\n${text.slice(Math.max(0, text.indexOf(s) - 300), text.indexOf(s) + 100)}`);
}

function checkConfig(file: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(repoRoot, 'agent/cli/main.ts'), 'check-config', file], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('secrets never leave (lookout run, real Alertmanager 0.25 with basic auth)', function () {
  this.timeout(120_000);
  let am: ChildProcess | undefined;
  let amUrl = '';
  let agent: AgentProcess;
  let rec: Recorder;
  /** Answers 401 echoing the Authorization header it got, as some real endpoints do: the error body reaches the logs. */
  let echo: http.Server;
  let dir: string;
  let config: Record<string, unknown>;

  before(async function () {
    if (!existsSync(AM_BIN)) {
      if (!process.env.CI) this.skip();
      throw new Error(`${AM_BIN} is missing`);
    }
    dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-secrets-'));
    writeFileSync(path.join(dir, 'am.yml'), 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n');
    writeFileSync(path.join(dir, 'am-web.yml'), stringify({ basic_auth_users: { amuser: await bcrypt.hash(S.amPass, 10) } }));
    const amPort = await freePort();
    am = spawn(AM_BIN, [`--config.file=${path.join(dir, 'am.yml')}`, `--web.config.file=${path.join(dir, 'am-web.yml')}`,
      `--storage.path=${path.join(dir, 'am-data')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', '--log.level=warn'], { stdio: 'ignore' });
    amUrl = `http://127.0.0.1:${amPort}`;
    const amAuth = { authorization: `Basic ${Buffer.from(`amuser:${S.amPass}`).toString('base64')}` };
    await waitFor(async () => (await fetch(`${amUrl}/-/ready`, { headers: amAuth })).ok, { timeoutMs: 30_000, what: 'alertmanager /-/ready' });
    assert.equal((await fetch(`${amUrl}/api/v2/alerts`)).status, 401, 'the Alertmanager really requires basic auth');

    rec = await new Recorder().start();
    echo = http.createServer((req, res) => { res.writeHead(401).end(`invalid credentials: ${req.headers.authorization}`); });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/echo`;
    const recHost = rec.url.replace('http://', '');
    const deadPort = await freePort();
    config = {
      exporters: { otlp: { endpoint: `http://127.0.0.1:${deadPort}`, headers: { authorization: `Bearer ${S.exporter}` }, retry_on_failure: { initial_interval: '100ms', max_interval: '200ms' } } },
      alerting: {
        global: {
          slack_api_url: `${rec.url}/services/${S.slackGlobal}`, smtp_auth_password: S.smtpGlobal, smtp_auth_username: 'u',
          smtp_smarthost: `127.0.0.1:${deadPort}`, smtp_from: 'l@example.org',
        },
        route: { receiver: 'all', group_wait: '0s' },
        receivers: [{
          name: 'all',
          slack_configs: [{ api_url: `${rec.url}/services/${S.slackRecv}` }, {}],
          webhook_configs: [
            { url: `${rec.url}/hook/${S.webhook}`, http_config: { authorization: { credentials: S.bearer } } },
            { url: `http://hookuser:${S.hookPass}@${recHost}/userinfo-hook`, http_config: { follow_redirects: true } },
            { url: `${rec.url}/basic`, http_config: { basic_auth: { username: 'b', password: S.basicPw } } },
            { url: echoUrl, http_config: { authorization: { credentials: S.echoed } } },
          ],
          pagerduty_configs: [{ routing_key: S.pdKey, url: `${rec.url}/pd` }],
          email_configs: [{ to: 'o@example.org', auth_username: 'u', auth_password: S.smtpRecv, require_tls: false }],
        }],
        alertmanagers: [{ url: `http://amuser:${S.amPass}@127.0.0.1:${amPort}`, headers: { 'X-Scope-OrgID': S.amHeader } }],
      },
    };
    agent = await startAgent(config, { dir });
  });

  after(async () => {
    await agent?.stop();
    await rec?.stop();
    await new Promise((r) => echo?.close(r));
    if (am && am.exitCode === null) {
      const exited = new Promise((r) => am!.once('exit', r));
      am.kill('SIGTERM');
      await exited;
    }
  });

  it('forwards with user:password@ to the Alertmanager as basic auth, and a userinfo webhook URL works', async () => {
    const r = await fetch(`${agent.adminUrl}/api/v1/alerts/test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"labels":{"team":"secrets"}}' });
    assert.equal(r.status, 200, await r.text());
    const amAuth = { authorization: `Basic ${Buffer.from(`amuser:${S.amPass}`).toString('base64')}` };
    await waitFor(async () => {
      const alerts = await (await fetch(`${amUrl}/api/v2/alerts`, { headers: amAuth })).json() as { labels: Record<string, string> }[];
      return alerts.some((a) => a.labels.alertname === 'LookoutTestAlert' && a.labels.team === 'secrets');
    }, { timeoutMs: 30_000, what: 'the test alert in the real Alertmanager' });
    const hook = await waitFor(() => rec.requests.find((q) => q.path === '/userinfo-hook'), { what: 'the userinfo webhook' });
    assert.equal(hook.headers.authorization, `Basic ${Buffer.from(`hookuser:${S.hookPass}`).toString('base64')}`);
    const bearer = await waitFor(() => rec.requests.find((q) => q.path === `/hook/${S.webhook}`), { what: 'the bearer webhook' });
    assert.equal(bearer.headers.authorization, `Bearer ${S.bearer}`);
    await waitFor(() => rec.requests.some((q) => q.path === '/pd') && rec.requests.filter((q) => q.path.startsWith('/services/')).length === 2, { what: 'pagerduty and both slacks' });
    // The email goes to a dead smarthost and the exporter to a dead upstream: both fail and log it.
    await waitFor(() => /notification attempt failed/.test(agent.output()) && /email/.test(agent.output()), { timeoutMs: 30_000, what: 'a logged email failure' });
    await waitFor(() => /invalid credentials: Bearer/.test(agent.output()), { what: 'the echoing endpoint\'s error in the log' });
  });

  it('no secret in any GET response body (status, config, silences, alerts, rules, metrics)', async () => {
    for (const p of ['/api/v2/status', '/api/v1/status/config', '/api/v2/silences', '/api/v2/alerts', '/api/v1/rules', '/api/v1/alerts',
      '/api/v1/status/buildinfo', '/api/v1/labels', '/api/v1/query?query=up', '/metrics', '/healthz', '/readyz']) {
      const r = await fetch(`${agent.adminUrl}${p}`);
      assert.equal(r.status, 200, p);
      assertNoSecret(`GET ${p}`, await r.text());
    }
    const status = await (await fetch(`${agent.adminUrl}/api/v2/status`)).json() as { config: { original: string } };
    assert.match(status.config.original, /<secret>/);
    assert.match(status.config.original, /amuser|<secret>@127\.0\.0\.1/);
    const cfg = await (await fetch(`${agent.adminUrl}/api/v1/status/config`)).json() as { status: string; data: { yaml: string } };
    assert.equal(cfg.status, 'success');
    assert.match(cfg.data.yaml, /authorization: <secret>/, 'exporter header values masked');
    assert.match(cfg.data.yaml, /routing_key: <secret>/);
    assert.match(cfg.data.yaml, /http:\/\/<secret>@127\.0\.0\.1/, 'URL userinfo masked');
  });

  it('a failed reload whose new config holds a new secret logs every problem, never the secret', async () => {
    const bad = structuredClone(config) as { alerting: { receivers: { webhook_configs: unknown[] }[] } };
    bad.alerting.receivers[0].webhook_configs.push({ url: `http://127.0.0.1:1/${S.reloadUrl}`, tiemout: '5s' });
    const file = path.join(dir, 'lookout.yaml');
    const original = readFileSync(file, 'utf8');
    const doc = { ...(JSON.parse(JSON.stringify(await import('yaml').then((y) => y.parse(original)))) as object), alerting: bad.alerting };
    writeFileSync(file, stringify(doc));
    try {
      const r = await fetch(`${agent.adminUrl}/-/reload`, { method: 'POST' });
      assert.equal(r.status, 500);
      const text = await r.text();
      assert.match(text, /alerting\.receivers\[0\]\.webhook_configs\[4\]\.tiemout: unknown key/);
      assertNoSecret('POST /-/reload answer', text);
      await waitFor(() => /config reload failed/.test(agent.output()), { what: 'the reload failure log line' });
    } finally {
      writeFileSync(file, original);
    }
  });

  it('no secret in any line the agent wrote, through shutdown', async () => {
    await agent.stop();
    const out = agent.output();
    assert.match(out, /exporting to/, 'the start-up lines are there');
    assert.match(out, /config reload failed/);
    assertNoSecret('the agent output', out);
  });

  it('check-config: valid file, and an invalid one with secrets in bad places; neither prints a secret', () => {
    const file = path.join(dir, 'lookout.yaml');
    const ok = checkConfig(file);
    assert.equal(ok.code, 0, ok.out);
    assertNoSecret('check-config (valid)', ok.out);
    const badFile = path.join(dir, 'bad.yaml');
    writeFileSync(badFile, stringify({
      exporters: { otlp: { endpoint: `http://user:${S.exporter}@127.0.0.1:4318`, headers: { authorization: S.bearer } } },
      alerting: {
        global: { slack_api_url: `not a url ${S.slackGlobal}` },
        route: { receiver: 'r' },
        receivers: [{ name: 'r', pagerduty_configs: [{ routing_key: S.pdKey, routing_key_file: 'k' }], email_configs: [{ to: 'x', auth_password: S.smtpRecv, auth_password_file: 'f' }] }],
      },
    }));
    const bad = checkConfig(badFile);
    assert.equal(bad.code, 1, bad.out);
    assert.match(bad.out, /alerting\.global\.slack_api_url: /);
    assert.match(bad.out, /pagerduty_configs\[0\]/);
    assertNoSecret('check-config (invalid)', bad.out);
    // Schema-valid but with credentials in the exporter URL: refused with a message, the password not printed.
    writeFileSync(badFile, stringify({ exporters: { otlp: { endpoint: `http://user:${S.exporter}@127.0.0.1:4318` } } }));
    const userinfo = checkConfig(badFile);
    assert.equal(userinfo.code, 1, userinfo.out);
    assert.match(userinfo.out, /exporters\.otlp\.endpoint: credentials in the URL \(user:password@\) are not supported/);
    assertNoSecret('check-config (userinfo)', userinfo.out);
  });
});
