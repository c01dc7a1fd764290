/**
 * The API surface UIs and tools call, compared with the real Alertmanager
 * 0.25 (same alertmanager.yml, same alerts) and Prometheus 2.42:
 * /api/v2/alerts/groups, /api/v2/receivers, /-/healthy, /-/ready, amtool
 * against Lookout, and /api/v1/status/flags and /runtimeinfo shapes.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findPrometheus } from '../prometheus/prometheus-server';
import { freePort } from '../../helpers/agent-process';
import { waitFor } from '../../helpers/wait';
import type { PostableAlert } from '../../../agent/alerting/types';
import { FakeClock } from '../../agent/alerting/fake-clock';
import { startApiServer, startNotifier, type ApiServer, type Harness } from '../../agent/alerting/harness';
import { AlertmanagerServer, requireAlertmanager, type AlertmanagerBinaries } from './alertmanager-server';
import { Recorder } from '../../agent/notify/recorder';

const STARTS = '2026-11-30T08:00:00Z';
const ENDS = '2099-01-01T00:00:00Z';

function config(sink: string): string {
  return `route:
  receiver: ops
  group_by: [alertname, cluster]
  group_wait: 1h
  routes:
    - {matchers: ['team="db"'], receiver: db, continue: true}
    - {matchers: ['severity=~"crit.*"'], receiver: pager, group_by: ['...']}
receivers:
  - {name: ops, webhook_configs: [{url: '${sink}/ops'}]}
  - {name: db, webhook_configs: [{url: '${sink}/db'}]}
  - {name: pager, webhook_configs: [{url: '${sink}/pager'}]}
  - {name: unused}
`;
}

const ALERT_LIST: { labels: Record<string, string>; annotations: Record<string, string>; generatorURL?: string }[] = [
  { labels: { alertname: 'DiskFull', cluster: 'eu', team: 'db', instance: 'db1' }, annotations: { summary: 'disk db1' } },
  { labels: { alertname: 'DiskFull', cluster: 'eu', team: 'db', instance: 'db2' }, annotations: { summary: 'disk db2' } },
  { labels: { alertname: 'DiskFull', cluster: 'us', team: 'web', instance: 'w1', severity: 'critical' }, annotations: { summary: 'disk w1' } },
  { labels: { alertname: 'Latency', cluster: 'us', instance: 'w2' }, annotations: {}, generatorURL: '' },
];
const ALERTS: PostableAlert[] = ALERT_LIST.map((a) => ({ generatorURL: 'http://prometheus.example/graph', ...a, startsAt: STARTS, endsAt: ENDS }));

/** The parts of an alert group both must agree on (updatedAt and endsAt are each server's clock). */
function comparable(groups: any[]) {
  return groups.map((g) => ({
    labels: g.labels,
    receiver: g.receiver,
    alerts: g.alerts.map((a: any) => ({
      labels: a.labels, annotations: a.annotations, startsAt: new Date(a.startsAt).toISOString(), fingerprint: a.fingerprint,
      generatorURL: a.generatorURL, receivers: a.receivers.map((r: any) => r.name).sort(), status: a.status,
    })),
  }));
}

function amtool(bins: AlertmanagerBinaries, url: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bins.amtool, [`--alertmanager.url=${url}`, ...args], { timeout: 15_000, env: { ...process.env, TZ: 'UTC' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`amtool ${args.join(' ')}: ${err.message}\n${stderr}`)); else resolve(stdout);
    });
  });
}

describe('Alertmanager API surface against the real Alertmanager 0.25', function () {
  this.timeout(60_000);
  let bins: AlertmanagerBinaries;
  let am: AlertmanagerServer | undefined;
  let sink: Recorder;
  let h: Harness | undefined;
  let api: ApiServer | undefined;

  before(async function () {
    bins = requireAlertmanager(this);
    sink = await new Recorder().start();
    am = await AlertmanagerServer.start(bins, config(sink.url));
    await am.postAlerts(ALERTS);
    h = await startNotifier(config(sink.url), { clock: new FakeClock(Date.parse('2026-11-30T09:00:00Z')) });
    h.notifier.send(ALERTS);
    api = await startApiServer(h.notifier);
    await waitFor(async () => ((await (await fetch(`${am!.url}/api/v2/alerts/groups`)).json()) as unknown[]).length >= 3, { what: 'Alertmanager groups' });
  });
  after(async () => {
    await api?.close();
    await h?.notifier.shutdown();
    await h?.host.cleanup();
    await am?.stop();
    await sink?.stop();
  });

  const get = async (base: string, p: string) => {
    const res = await fetch(base + p);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  it('GET /api/v2/alerts/groups: same groups, receivers, alerts, fingerprints and order', async () => {
    for (const q of ['', '?receiver=db', '?filter=instance%3D~%22db.*%22', '?active=true&silenced=false']) {
      const ours = JSON.parse((await get(api!.base, `/api/v2/alerts/groups${q}`)).text);
      const theirs = JSON.parse((await get(am!.url, `/api/v2/alerts/groups${q}`)).text);
      assert.ok(theirs.length > 0, q);
      assert.deepEqual(comparable(ours), comparable(theirs), `query ${q || '(none)'}`);
      assert.deepEqual(Object.keys(ours[0]).sort(), Object.keys(theirs[0]).sort());
      assert.deepEqual(Object.keys(ours[0].alerts[0]).sort(), Object.keys(theirs[0].alerts[0]).sort());
    }
  });

  it('GET /api/v2/receivers lists the configured receivers as Alertmanager does', async () => {
    const ours = JSON.parse((await get(api!.base, '/api/v2/receivers')).text);
    const theirs = JSON.parse((await get(am!.url, '/api/v2/receivers')).text);
    assert.deepEqual(ours, theirs);
    assert.deepEqual(ours.map((r: { name: string }) => r.name), ['ops', 'db', 'pager', 'unused']);
  });

  it('/-/healthy and /-/ready answer 200 with the same body', async () => {
    for (const p of ['/-/healthy', '/-/ready']) {
      const ours = await get(api!.base, p);
      const theirs = await get(am!.url, p);
      assert.equal(ours.status, 200);
      assert.equal(ours.status, theirs.status, p);
      assert.equal(ours.text, theirs.text, p);
    }
  });

  it('amtool alert query prints the same table for Lookout as for Alertmanager', async () => {
    for (const args of [['alert', 'query'], ['alert', 'query', 'alertname=DiskFull'], ['alert', 'query', '--receiver=db', '-o', 'extended']]) {
      const ours = await amtool(bins, api!.base, args);
      const theirs = await amtool(bins, am!.url, args);
      assert.match(theirs, /DiskFull/);
      assert.equal(ours, theirs, args.join(' '));
    }
  });
});

describe('Prometheus status endpoints against the real Prometheus 2.42', function () {
  this.timeout(60_000);
  let dir = '';
  let proc: ReturnType<typeof spawn> | undefined;
  let promUrl = '';
  let h: Harness | undefined;
  let api: ApiServer | undefined;

  before(async function () {
    const bins = findPrometheus();
    if (!bins) { this.skip(); return; }
    dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-promstatus-'));
    writeFileSync(path.join(dir, 'prometheus.yml'), 'global: {}\n');
    const port = await freePort();
    proc = spawn(bins.prometheus, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    promUrl = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${promUrl}/-/ready`).catch(() => undefined))?.ok, { timeoutMs: 20_000, what: 'prometheus ready' });
    h = await startNotifier('external_url: http://lookout.example:9464');
    api = await startApiServer(h.notifier);
  });
  after(async () => {
    await api?.close();
    await h?.notifier.shutdown();
    await h?.host.cleanup();
    proc?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('/api/v1/status/runtimeinfo has Prometheus\' fields with Prometheus\' types', async () => {
    const ours = await (await fetch(`${api!.base}/api/v1/status/runtimeinfo`)).json() as any;
    const theirs = await (await fetch(`${promUrl}/api/v1/status/runtimeinfo`)).json() as any;
    assert.equal(ours.status, 'success');
    const types = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v]));
    assert.deepEqual(types(ours.data), types(theirs.data));
    assert.ok(!Number.isNaN(Date.parse(ours.data.startTime)));
  });

  it('/api/v1/status/flags is a map of strings, like Prometheus\'', async () => {
    const ours = await (await fetch(`${api!.base}/api/v1/status/flags`)).json() as any;
    const theirs = await (await fetch(`${promUrl}/api/v1/status/flags`)).json() as any;
    assert.equal(ours.status, theirs.status);
    assert.ok(Object.values(theirs.data).every((v) => typeof v === 'string'));
    assert.ok(Object.values(ours.data).every((v) => typeof v === 'string'));
    assert.equal(ours.data['web.external-url'], 'http://lookout.example:9464');
  });
});
