/**
 * The probes receiver against real HTTP and TCP servers on loopback: live
 * target, dead port, slow target past the timeout, wrong status, body
 * regexes; series land in a real MemoryStore under blackbox's names.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { MemoryStore } from '../../../../agent/store';
import { ProbesReceiver } from '../../../../agent/receivers/probes';
import { probesConfigSchema } from '../../../../agent/receivers/probes/config';
import { freePort } from '../../../helpers/agent-process';
import { counterValue, testHost, type TestHost } from '../../../helpers/test-host';
import { makePki } from '../../admin/fixtures';

/** The latest value of each series of `name` matching `labels`. */
function values(store: MemoryStore, name: string, labels: Record<string, string> = {}): number[] {
  const matchers = [{ name: '__name__', type: '=' as const, value: name }, ...Object.entries(labels).map(([k, v]) => ({ name: k, type: '=' as const, value: v }))];
  return store.select(matchers, 0, Date.now() + 60_000).map((s) => s.v[s.v.length - 1]);
}
const one = (store: MemoryStore, name: string, labels: Record<string, string>) => {
  const v = values(store, name, labels);
  assert.equal(v.length, 1, `${name}${JSON.stringify(labels)}: ${JSON.stringify(v)}`);
  return v[0];
};

describe('probes receiver', () => {
  let server: http.Server;
  let base: string;
  let host: TestHost;
  let store: MemoryStore;
  let receiver: ProbesReceiver | undefined;
  const hold: http.ServerResponse[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/health') res.writeHead(200, { 'content-type': 'application/json', 'content-length': '15' }).end('{"status":"ok"}');
      else if (req.url === '/degraded') res.writeHead(200).end('{"status":"degraded"}');
      else if (req.url === '/broken') res.writeHead(503).end('down');
      else if (req.url === '/slow') hold.push(res);
      else if (req.url === '/big') res.writeHead(200).end('x'.repeat(100_000));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    host = testHost();
    store = new MemoryStore();
  });
  afterEach(async () => {
    await receiver?.shutdown();
    receiver = undefined;
    for (const r of hold.splice(0)) r.destroy();
    await host.cleanup();
  });

  async function probe(targets: unknown[], extra: Record<string, unknown> = {}): Promise<void> {
    const cfg = probesConfigSchema.parse({ interval: '1h', timeout: '500ms', targets, ...extra });
    receiver = new ProbesReceiver('probes', cfg, { appender: store.budgetedAppender('probes') });
    await receiver.start(host);
    await receiver.probeAll();
  }

  it('live HTTP target: success, status code, the five phases, duration, content length', async () => {
    await probe([{ target: `${base}/health`, labels: { team: 'shop' }, http: { fail_if_body_not_matches_regexp: ['"status":"ok"'] } }]);
    const l = { job: 'probes', instance: `${base}/health`, team: 'shop' };
    assert.equal(one(store, 'probe_success', l), 1);
    assert.equal(one(store, 'probe_http_status_code', l), 200);
    assert.equal(one(store, 'probe_http_content_length', l), 15);
    assert.equal(one(store, 'probe_http_uncompressed_body_length', l), 15);
    assert.equal(one(store, 'probe_failed_due_to_regex', l), 0);
    assert.equal(one(store, 'probe_http_ssl', l), 0);
    assert.deepEqual(store.select([{ name: '__name__', type: '=', value: 'probe_http_duration_seconds' }], 0, Date.now() + 1000)
      .map((s) => s.labels.phase).sort(), ['connect', 'processing', 'resolve', 'tls', 'transfer']);
    const connect = one(store, 'probe_http_duration_seconds', { ...l, phase: 'connect' });
    const total = one(store, 'probe_duration_seconds', l);
    assert.ok(connect > 0 && connect < total, `connect ${connect} within total ${total}`);
    assert.equal(one(store, 'probe_http_duration_seconds', { ...l, phase: 'tls' }), 0);
    assert.equal(store.metadata().get('probe_success')?.type, 'gauge');
    assert.equal(await counterValue(host, 'lookout_probes_runs', { result: 'success' }), 1);
  });

  it('dead port: failure with status code 0', async () => {
    const dead = `http://127.0.0.1:${await freePort()}/health`;
    await probe([{ target: dead }]);
    assert.equal(one(store, 'probe_success', { instance: dead }), 0);
    assert.equal(one(store, 'probe_http_status_code', { instance: dead }), 0);
    assert.equal(await counterValue(host, 'lookout_probes_runs', { result: 'failure' }), 1);
  });

  it('slow target past the timeout: failure after about the timeout, not later', async () => {
    const started = Date.now();
    await probe([{ target: `${base}/slow`, timeout: '300ms' }]);
    const took = Date.now() - started;
    assert.ok(took >= 290 && took < 2000, `took ${took} ms`);
    assert.equal(one(store, 'probe_success', { instance: `${base}/slow` }), 0);
    const d = one(store, 'probe_duration_seconds', { instance: `${base}/slow` });
    assert.ok(d >= 0.29 && d < 2, `probe_duration_seconds ${d}`);
  });

  it('wrong status: 503 fails by default, passes when listed in valid_status_codes', async () => {
    await probe([
      { target: `${base}/broken` },
      { target: `${base}/broken`, labels: { expect: '503' }, http: { valid_status_codes: [503] } },
    ]);
    assert.equal(one(store, 'probe_success', { instance: `${base}/broken`, expect: '' }), 0);
    assert.equal(one(store, 'probe_http_status_code', { instance: `${base}/broken`, expect: '' }), 503);
    assert.equal(one(store, 'probe_success', { instance: `${base}/broken`, expect: '503' }), 1);
  });

  it('body regexes: fail_if_body_not_matches_regexp and fail_if_body_matches_regexp set probe_failed_due_to_regex', async () => {
    await probe([
      { target: `${base}/degraded`, http: { fail_if_body_not_matches_regexp: ['"status":\\s*"ok"'] } },
      { target: `${base}/health`, http: { fail_if_body_matches_regexp: ['(?i)OK'] } },
    ]);
    assert.equal(one(store, 'probe_success', { instance: `${base}/degraded` }), 0);
    assert.equal(one(store, 'probe_failed_due_to_regex', { instance: `${base}/degraded` }), 1);
    assert.equal(one(store, 'probe_success', { instance: `${base}/health` }), 0);
    assert.equal(one(store, 'probe_failed_due_to_regex', { instance: `${base}/health` }), 1);
  });

  it('body_size_limit: a longer body fails the probe', async () => {
    await probe([{ target: `${base}/big`, http: { body_size_limit: '64KiB' } }, { target: `${base}/big`, labels: { limit: 'default' } }]);
    assert.equal(one(store, 'probe_success', { instance: `${base}/big`, limit: '' }), 0);
    assert.equal(one(store, 'probe_success', { instance: `${base}/big`, limit: 'default' }), 1);
    assert.equal(one(store, 'probe_http_uncompressed_body_length', { instance: `${base}/big`, limit: 'default' }), 100_000);
  });

  it('HTTPS: tls phase, probe_http_ssl and the certificate expiry; an untrusted certificate fails unless insecure_skip_verify', async function () {
    this.timeout(20_000);
    const pki = makePki();
    const tlsServer = https.createServer({ cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey) }, (_req, res) => res.writeHead(200).end('ok'));
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}/`;
    try {
      await probe([{ target: url, http: { insecure_skip_verify: true } }, { target: url, labels: { verify: 'yes' } }]);
      const l = { instance: url, verify: '' };
      assert.equal(one(store, 'probe_success', l), 1);
      assert.equal(one(store, 'probe_http_ssl', l), 1);
      assert.ok(one(store, 'probe_http_duration_seconds', { ...l, phase: 'tls' }) > 0);
      const expiry = one(store, 'probe_ssl_earliest_cert_expiry', l);
      assert.ok(Math.abs(expiry - (Date.now() / 1000 + 86_400)) < 3600, `expiry ${expiry}`);
      assert.equal(one(store, 'probe_success', { instance: url, verify: 'yes' }), 0);
    } finally {
      tlsServer.closeAllConnections();
      tlsServer.close();
    }
  });

  it('TCP: an open port succeeds, a closed one fails', async () => {
    const tcp = net.createServer((s) => s.end());
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const open = `127.0.0.1:${(tcp.address() as AddressInfo).port}`;
    const closed = `127.0.0.1:${await freePort()}`;
    try {
      await probe([{ prober: 'tcp', target: open }, { prober: 'tcp', target: closed }]);
      assert.equal(one(store, 'probe_success', { instance: open }), 1);
      assert.equal(one(store, 'probe_ip_protocol', { instance: open }), 4);
      assert.equal(one(store, 'probe_success', { instance: closed }), 0);
    } finally {
      tcp.close();
    }
  });

  it('runs on its interval and stops at shutdown', async () => {
    const cfg = probesConfigSchema.parse({ interval: '1s', timeout: '500ms', targets: [{ target: `${base}/health` }] });
    receiver = new ProbesReceiver('probes', cfg, { appender: store.budgetedAppender('probes') });
    await receiver.start(host);
    const count = () => store.select([{ name: '__name__', type: '=', value: 'probe_success' }], 0, Date.now() + 1000)[0]?.v.length ?? 0;
    const deadline = Date.now() + 5000;
    while (count() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(count() >= 2, 'a second probe one interval later');
    await receiver.shutdown();
    const after = count();
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(count(), after, 'no probe after shutdown');
  });
});
