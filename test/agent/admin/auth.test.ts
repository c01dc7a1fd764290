/**
 * The admin port's guard with the real routes of a running Service: every
 * mutating endpoint refuses a call without credentials (401 with auth
 * configured, 403 on a non-loopback port without auth) and accepts a bcrypt
 * basic-auth user and the bearer token; reads are open unless
 * protect_reads; probes always are.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcrypt';
import { stringify } from 'yaml';
import { startInProcess, tmpDir, type InProcessAgent } from './fixtures';

const TOKEN = 'tok-3f9a1c7e5b2d4a6c8e0f';
const USER = 'oncall';
const PASSWORD = 'correct horse battery staple';
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const json = { 'content-type': 'application/json' };

/** Every mutating call the admin port has; each returns a fresh request (silence ids are created as needed). */
function mutatingCalls(agent: () => InProcessAgent, auth: Record<string, string>): { name: string; run: (headers: Record<string, string>) => Promise<Response> }[] {
  const silence = {
    matchers: [{ name: 'alertname', value: 'X', isRegex: false, isEqual: true }],
    startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: 't', comment: 'c',
  };
  const post = (p: string, body: unknown) => (h: Record<string, string>) =>
    fetch(`${agent().url}${p}`, { method: 'POST', headers: { ...json, ...h }, body: JSON.stringify(body) });
  return [
    { name: 'POST /api/v2/silences', run: post('/api/v2/silences', silence) },
    {
      name: 'DELETE /api/v2/silence/{id}',
      run: async (h) => {
        const created = await fetch(`${agent().url}/api/v2/silences`, { method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify(silence) });
        const { silenceID } = await created.json() as { silenceID: string };
        return fetch(`${agent().url}/api/v2/silence/${silenceID}`, { method: 'DELETE', headers: h });
      },
    },
    { name: 'POST /api/v2/alerts', run: post('/api/v2/alerts', [{ labels: { alertname: 'Posted' } }]) },
    { name: 'POST /api/v1/alerts/test', run: post('/api/v1/alerts/test', { labels: { team: 'a' } }) },
    { name: 'POST /-/reload', run: (h) => fetch(`${agent().url}/-/reload`, { method: 'POST', headers: h }) },
  ];
}

describe('admin auth: web config basic auth (bcrypt) and bearer token', function () {
  this.timeout(30_000);
  let agent: InProcessAgent;
  before(async () => {
    const dir = tmpDir();
    writeFileSync(path.join(dir, 'web.yml'), stringify({ basic_auth_users: { [USER]: await bcrypt.hash(PASSWORD, 10) } }));
    writeFileSync(path.join(dir, 'token'), `${TOKEN}\n`);
    agent = await startInProcess({
      admin: { web_config_file: 'web.yml', auth: { token_file: 'token' }, rate_limits: { alerts_test_per_minute: 100 } },
      alerting: { route: { receiver: 'null' }, receivers: [{ name: 'null' }] },
    }, { dir });
  });
  after(async () => { await agent?.stop(); });

  for (const call of mutatingCalls(() => agent, { authorization: `Bearer ${TOKEN}` })) {
    it(`${call.name}: 401 without or with wrong credentials, success with basic auth and with the token`, async () => {
      const none = await call.run({});
      assert.equal(none.status, 401, await none.text());
      assert.match(none.headers.get('www-authenticate') ?? '', /Basic realm="lookout"/);
      assert.match(none.headers.get('www-authenticate') ?? '', /Bearer/);
      assert.equal((await call.run({ authorization: basic(USER, 'wrong') })).status, 401);
      assert.equal((await call.run({ authorization: 'Bearer nope' })).status, 401);
      assert.equal((await call.run({ authorization: basic('mallory', PASSWORD) })).status, 401);
      const withBasic = await call.run({ authorization: basic(USER, PASSWORD) });
      assert.ok(withBasic.status < 300 || withBasic.status === 404, `${withBasic.status} ${await withBasic.text()}`);
      const withToken = await call.run({ authorization: `Bearer ${TOKEN}` });
      assert.ok(withToken.status < 300 || withToken.status === 404, `${withToken.status} ${await withToken.text()}`);
    });
  }

  it('reads stay open without protect_reads; probes always', async () => {
    for (const p of ['/healthz', '/readyz', '/metrics', '/api/v2/silences', '/api/v1/rules', '/api/v1/status/config']) {
      assert.equal((await fetch(`${agent.url}${p}`)).status, 200, p);
    }
    const q = await fetch(`${agent.url}/api/v1/query`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=1' });
    assert.equal(q.status, 200, 'a POSTed query is a read (Grafana)');
  });

  it('counts refusals on /metrics', async () => {
    const text = await (await fetch(`${agent.url}/metrics`)).text();
    assert.match(text, /lookout_admin_requests_refused_total\{[^}]*reason="unauthorized"[^}]*\} [1-9]/);
  });
});

describe('admin auth: protect_reads', function () {
  this.timeout(30_000);
  let agent: InProcessAgent;
  before(async () => {
    const dir = tmpDir();
    writeFileSync(path.join(dir, 'token'), TOKEN);
    agent = await startInProcess({ admin: { auth: { token_file: 'token', protect_reads: true } } }, { dir });
  });
  after(async () => { await agent?.stop(); });

  it('reads need credentials too, except /healthz and /readyz', async () => {
    for (const p of ['/metrics', '/api/v2/silences', '/api/v1/query?query=1', '/api/v1/status/config', '/api/v2/status']) {
      assert.equal((await fetch(`${agent.url}${p}`)).status, 401, p);
      assert.equal((await fetch(`${agent.url}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200, p);
    }
    assert.equal((await fetch(`${agent.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${agent.url}/readyz`)).status, 200);
  });
});

describe('admin auth: secure by default on a non-loopback address', function () {
  this.timeout(30_000);
  let agent: InProcessAgent;
  before(async () => {
    agent = await startInProcess({
      admin: { endpoint: '0.0.0.0:0' },
      alerting: { route: { receiver: 'null' }, receivers: [{ name: 'null' }] },
    });
  });
  after(async () => { await agent?.stop(); });

  for (const call of mutatingCalls(() => agent, {})) {
    if (call.name.startsWith('DELETE')) continue; // creating the silence to delete is itself refused; covered below
    it(`${call.name}: 403 naming the keys to set`, async () => {
      const r = await call.run({});
      assert.equal(r.status, 403);
      const text = await r.text();
      assert.match(text, /admin\.auth\.token_file/);
      assert.match(text, /admin\.web_config_file/);
    });
  }

  it('DELETE /api/v2/silence/{id}: 403', async () => {
    const r = await fetch(`${agent.url}/api/v2/silence/0b3c7f0e-0000-4000-8000-000000000000`, { method: 'DELETE' });
    assert.equal(r.status, 403);
  });

  it('reads work', async () => {
    assert.equal((await fetch(`${agent.url}/api/v2/silences`)).status, 200);
  });
});

describe('admin auth: explicit opt-out and loopback', function () {
  this.timeout(30_000);
  const agents: InProcessAgent[] = [];
  after(async () => { for (const a of agents) await a.stop(); });

  it('allow_unauthenticated_writes: true lets writes through on 0.0.0.0', async () => {
    const a = await startInProcess({ admin: { endpoint: '0.0.0.0:0', auth: { allow_unauthenticated_writes: true } }, alerting: { route: { receiver: 'null' }, receivers: [{ name: 'null' }] } });
    agents.push(a);
    const r = await fetch(`${a.url}/api/v1/alerts/test`, { method: 'POST', headers: json, body: '{}' });
    assert.equal(r.status, 200, await r.text());
  });

  it('a loopback admin port without auth accepts writes (local development)', async () => {
    const a = await startInProcess({ alerting: { route: { receiver: 'null' }, receivers: [{ name: 'null' }] } });
    agents.push(a);
    const r = await fetch(`${a.url}/api/v1/alerts/test`, { method: 'POST', headers: json, body: '{}' });
    assert.equal(r.status, 200, await r.text());
  });
});

describe('admin auth: applied by a reload', function () {
  this.timeout(30_000);
  let agent: InProcessAgent;
  after(async () => { await agent?.stop(); });

  it('adding admin.auth.token_file by POST /-/reload protects writes at once; a missing token file is refused', async () => {
    agent = await startInProcess({ alerting: { route: { receiver: 'null' }, receivers: [{ name: 'null' }] } });
    const send = (h: Record<string, string> = {}) => fetch(`${agent.url}/api/v1/alerts/test`, { method: 'POST', headers: { ...json, ...h }, body: '{}' });
    assert.equal((await send()).status, 200);
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const doc = parse(readFileSync(agent.configFile, 'utf8')) as { admin: Record<string, unknown> };
    writeFileSync(agent.configFile, stringify({ ...doc, admin: { ...doc.admin, auth: { token_file: 'missing-token' } } }));
    const refused = await fetch(`${agent.url}/-/reload`, { method: 'POST' });
    assert.equal(refused.status, 500);
    assert.match(await refused.text(), /admin\.auth\.token_file: cannot read/);
    assert.equal((await send()).status, 200, 'the old (open) config still applies');

    writeFileSync(path.join(agent.dir, 'token'), TOKEN);
    writeFileSync(agent.configFile, stringify({ ...doc, admin: { ...doc.admin, auth: { token_file: 'token' } } }));
    const ok = await fetch(`${agent.url}/-/reload`, { method: 'POST' });
    assert.equal(ok.status, 200, await ok.text());
    assert.equal((await send()).status, 401);
    assert.equal((await send({ authorization: `Bearer ${TOKEN}` })).status, 200);
  });
});

describe('admin auth: bcrypt checks are bounded', function () {
  this.timeout(30_000);
  let agent: InProcessAgent;
  after(async () => { await agent?.stop(); });

  it('beyond max_pending_password_checks, a password check answers 503 (counted); a cached good password still passes', async () => {
    const dir = tmpDir();
    writeFileSync(path.join(dir, 'web.yml'), stringify({ basic_auth_users: { [USER]: await bcrypt.hash(PASSWORD, 12) } }));
    agent = await startInProcess({ admin: { web_config_file: 'web.yml', auth: { max_pending_password_checks: 1, protect_reads: true } } }, { dir });
    const get = (pw: string) => fetch(`${agent.url}/api/v2/silences`, { headers: { authorization: basic(USER, pw) } });
    assert.equal((await get(PASSWORD)).status, 200, 'verified once: cached from now on');
    const statuses = await Promise.all(Array.from({ length: 6 }, (_, i) => get(`wrong-${i}`).then((r) => r.status)));
    assert.ok(statuses.includes(503), `some checks were shed: ${statuses.join(',')}`);
    assert.ok(statuses.every((s) => s === 503 || s === 401), statuses.join(','));
    assert.equal((await get(PASSWORD)).status, 200, 'the cached password needs no check');
    const metrics = await (await fetch(`${agent.url}/metrics`, { headers: { authorization: basic(USER, PASSWORD) } })).text();
    assert.match(metrics, /lookout_admin_requests_refused_total\{[^}]*reason="auth_overloaded"[^}]*\} [1-9]/);
  });
});
