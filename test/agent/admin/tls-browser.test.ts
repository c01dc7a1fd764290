/**
 * TLS from Prometheus' web config with a self-signed CA made by openssl in
 * the test: HTTPS, a client certificate signed by client_ca_file
 * authenticates, a stranger's certificate and no certificate do not; and
 * browser safety: CORS only for listed origins, cross-origin writes and
 * non-JSON bodies refused, alerts/test rate-limited.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import bcrypt from 'bcrypt';
import { stringify } from 'yaml';
import { makePki, startInProcess, tmpDir, type InProcessAgent, type Pki } from './fixtures';

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function request(url: string, opts: { method?: string; ca: string; cert?: string; key?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method: opts.method ?? 'GET', ca: readFileSync(opts.ca), headers: opts.headers,
      cert: opts.cert ? readFileSync(opts.cert) : undefined, key: opts.key ? readFileSync(opts.key) : undefined,
    }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const testAlert = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"labels":{"team":"tls"}}' };
const alerting = { route: { receiver: 'null' }, receivers: [{ name: 'null' }] };

describe('admin TLS (web config tls_server_config)', function () {
  this.timeout(60_000);
  let pki: Pki;
  const agents: InProcessAgent[] = [];
  before(() => { pki = makePki(); });
  after(async () => { for (const a of agents) await a.stop(); });

  async function start(tls: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<InProcessAgent> {
    const dir = tmpDir();
    writeFileSync(path.join(dir, 'web.yml'), stringify({ tls_server_config: { cert_file: pki.serverCert, key_file: pki.serverKey, ...tls }, ...extra }));
    const a = await startInProcess({ admin: { endpoint: '0.0.0.0:0', web_config_file: 'web.yml' }, alerting }, { dir, scheme: 'https' });
    agents.push(a);
    return a;
  }

  it('RequireAndVerifyClientCert: the CA-signed client certificate authenticates a write; none or a stranger\'s is refused', async () => {
    const a = await start({ client_auth_type: 'RequireAndVerifyClientCert', client_ca_file: pki.caCert });
    const ok = await request(`${a.url}/api/v1/alerts/test`, { ...testAlert, ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey });
    assert.equal(ok.status, 200, ok.body);
    await assert.rejects(request(`${a.url}/healthz`, { ca: pki.caCert }), 'no client certificate: the handshake fails');
    await assert.rejects(request(`${a.url}/healthz`, { ca: pki.caCert, cert: pki.otherClientCert, key: pki.otherClientKey }));
  });

  it('VerifyClientCertIfGiven + basic auth: a verified certificate or the password; a stranger\'s certificate is refused', async () => {
    const a = await start({ client_auth_type: 'VerifyClientCertIfGiven', client_ca_file: pki.caCert },
      { basic_auth_users: { ops: await bcrypt.hash('s3cret-pass', 10) } });
    assert.equal((await request(`${a.url}/healthz`, { ca: pki.caCert })).status, 200, 'probes without a certificate');
    const noCreds = await request(`${a.url}/api/v1/alerts/test`, { ...testAlert, ca: pki.caCert });
    assert.equal(noCreds.status, 401);
    const byCert = await request(`${a.url}/api/v1/alerts/test`, { ...testAlert, ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey });
    assert.equal(byCert.status, 200, byCert.body);
    const byPassword = await request(`${a.url}/api/v1/alerts/test`, {
      ...testAlert, ca: pki.caCert, headers: { ...testAlert.headers, authorization: `Basic ${Buffer.from('ops:s3cret-pass').toString('base64')}` },
    });
    assert.equal(byPassword.status, 200, byPassword.body);
    const stranger = await request(`${a.url}/api/v1/alerts/test`, { ...testAlert, ca: pki.caCert, cert: pki.otherClientCert, key: pki.otherClientKey });
    assert.equal(stranger.status, 401);
  });

  it('TLS without client auth and no credentials is still "no auth": writes on 0.0.0.0 answer 403', async () => {
    const a = await start({});
    const r = await request(`${a.url}/api/v1/alerts/test`, { ...testAlert, ca: pki.caCert });
    assert.equal(r.status, 403);
    assert.equal((await request(`${a.url}/api/v2/silences`, { ca: pki.caCert })).status, 200);
  });
});

describe('admin browser safety', function () {
  this.timeout(30_000);
  let agent: InProcessAgent;
  before(async () => {
    agent = await startInProcess({
      admin: { cors: { origins: ['https://grafana.example.com'] }, rate_limits: { alerts_test_per_minute: 2 } }, alerting,
    });
  });
  after(async () => { await agent?.stop(); });

  it('CORS: no header for an unknown origin, the listed origin gets it; preflights likewise', async () => {
    const unknown = await fetch(`${agent.url}/api/v1/labels`, { headers: { origin: 'https://evil.example' } });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.headers.get('access-control-allow-origin'), null);
    const listed = await fetch(`${agent.url}/api/v1/labels`, { headers: { origin: 'https://grafana.example.com' } });
    assert.equal(listed.headers.get('access-control-allow-origin'), 'https://grafana.example.com');
    const pre = await fetch(`${agent.url}/api/v2/silences`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    assert.equal(pre.headers.get('access-control-allow-methods'), null);
  });

  it('refuses a text/plain POST (simple-request CSRF) with 415, and a cross-origin write with 403', async () => {
    const plain = await fetch(`${agent.url}/api/v1/alerts/test`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"labels":{}}' });
    assert.equal(plain.status, 415);
    const form = await fetch(`${agent.url}/api/v2/silences`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    assert.equal(form.status, 415);
    const cross = await fetch(`${agent.url}/api/v1/alerts/test`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{}' });
    assert.equal(cross.status, 403);
    assert.equal((await fetch(`${agent.url}/api/v1/alerts/test`, { method: 'POST', headers: { origin: 'https://evil.example' } })).status, 403, 'no body, cross-origin');
  });

  it('rate-limits POST /api/v1/alerts/test (429 with Retry-After) and counts it', async () => {
    const send = () => fetch(`${agent.url}/api/v1/alerts/test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send()).status);
    assert.deepEqual(statuses.slice(0, 2), [200, 200]);
    const limited = await send();
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.match(await limited.text(), /admin\.rate_limits\.alerts_test_per_minute/);
    const metrics = await (await fetch(`${agent.url}/metrics`)).text();
    assert.match(metrics, /lookout_admin_requests_refused_total\{[^}]*reason="rate_limited"[^}]*\} [1-9]/);
  });
});
