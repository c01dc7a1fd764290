import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Notifier } from '../../../agent/alerting/notifier';
import { counterValue, testHost } from '../../helpers/test-host';
import { waitFor } from '../../helpers/wait';
import { Recorder } from '../notify/recorder';
import { FakeClock } from './fake-clock';
import { advance, alert, alertingConfig, startNotifier, FAST_DELIVERY, type Harness } from './harness';

describe('Notifier', () => {
  let rec: Recorder;
  const cleanups: (() => Promise<void>)[] = [];

  beforeEach(async () => { rec = await new Recorder().start(); });
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
    await rec.stop();
  });

  async function start(yaml: string, opts: Parameters<typeof startNotifier>[1] = {}): Promise<Harness> {
    const h = await startNotifier(yaml, opts);
    cleanups.push(async () => { await h.notifier.shutdown(); if (!opts.host) await h.host.cleanup(); });
    return h;
  }

  it('is a no-op without route/receivers; shutdown is idempotent and safe before start', async () => {
    const n = new Notifier(alertingConfig('{}'));
    await n.shutdown();
    await n.shutdown();
    const h = await start('{}');
    assert.equal(h.notifier.routing, false);
    h.notifier.send([alert({ alertname: 'X' }, h.clock)]);
    await advance(h, 3600_000);
    assert.equal(h.clock.pending(), 1, 'only the maintenance timer; no groups');
    assert.equal(rec.attempts, 0);
  });

  it('a restart on the same storage dir re-sends nothing within repeat_interval, and keeps silences', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-alerting-restart-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const yaml = `route: {receiver: web, group_wait: 30s, group_interval: 5m, repeat_interval: 4h, group_by: [alertname]}
receivers: [{name: web, webhook_configs: [{url: "${rec.url}/hook"}]}]`;
    const clock = new FakeClock();
    const host1 = testHost({ storageDir: dir });
    const h1 = await startNotifier(yaml, { clock, host: host1 });
    const a = alert({ alertname: 'Persist', job: 'api' }, clock);
    h1.notifier.send([a]);
    await advance(h1, 30_000);
    assert.equal(rec.requests.length, 1);
    const silenceId = h1.notifier.silences().upsert({ matchers: [{ name: 'alertname', value: 'Silenced', isRegex: false, isEqual: true }],
      startsAt: new Date(clock.t).toISOString(), endsAt: new Date(clock.t + 24 * 3600_000).toISOString(), createdBy: 'sre', comment: 'keep across restarts' });
    await h1.notifier.shutdown();
    await host1.provider.shutdown();

    const host2 = testHost({ storageDir: dir });
    const h2 = await startNotifier(yaml, { clock, host: host2 });
    cleanups.push(async () => { await h2.notifier.shutdown(); await host2.provider.shutdown(); });
    assert.equal(h2.notifier.silences().get(silenceId)?.comment, 'keep across restarts');
    // Rule evaluation re-sends the firing alert (old startsAt: flushed right away) plus a silenced one.
    await advance(h2, 60_000);
    h2.notifier.send([a, alert({ alertname: 'Silenced' }, clock)]);
    await advance(h2, 30_000);
    for (let i = 0; i < 10; i++) {
      h2.notifier.send([a]);
      await advance(h2, 5 * 60_000);
    }
    assert.equal(rec.requests.length, 1, 'nothing re-sent within repeat_interval after the restart');
    // Past repeat_interval since the first notification, it repeats as Alertmanager would.
    for (let i = 0; i < 40 && rec.requests.length < 2; i++) {
      h2.notifier.send([{ ...a, endsAt: new Date(clock.t + 3600_000).toISOString() }]);
      await advance(h2, 5 * 60_000);
    }
    assert.equal(rec.requests.length, 2);
    assert.ok(clock.t - Date.parse(a.startsAt) >= 4 * 3600_000);
    assert.deepEqual(rec.requests.flatMap((r) => r.body.alerts.map((x: { labels: { alertname: string } }) => x.labels.alertname)), ['Persist', 'Persist']);
  });

  it('a receiver failing for a while gets the notification once it recovers, exactly once', async () => {
    const h = await start(`route: {receiver: flaky, group_wait: 0s, group_interval: 1m}
receivers: [{name: flaky, webhook_configs: [{url: "${rec.url}/flaky"}]}]`);
    rec.respond = (n) => (n < 5 ? 503 : 200);
    h.notifier.send([alert({ alertname: 'Flaky' }, h.clock)]);
    await advance(h, 0);
    assert.equal(rec.attempts, FAST_DELIVERY.maxAttempts, 'retried up to maxAttempts in the first flush');
    assert.equal(rec.requests.length, 0);
    await advance(h, 60_000);
    assert.equal(rec.requests.length, 1, 'delivered in the next flush after recovery');
    assert.equal(rec.attempts, 6);
    for (let i = 0; i < 5; i++) await advance(h, 60_000);
    assert.equal(rec.requests.length, 1, 'exactly once');
    assert.equal(await counterValue(h.host, 'lookout_notifications_total', { integration: 'webhook', receiver: 'flaky' }), 6);
    assert.equal(await counterValue(h.host, 'lookout_notifications_failed_total', { integration: 'webhook', receiver: 'flaky' }), 5);
  });

  it('a hanging receiver delays neither another receiver nor send()', async () => {
    const dead = await new Recorder().start();
    dead.respond = () => 'hang';
    cleanups.push(() => dead.stop());
    const h = await start(`route:
  receiver: good
  group_wait: 0s
  routes:
    - {matchers: ['alertname=~".+"'], receiver: dead, continue: true}
    - {matchers: ['alertname=~".+"'], receiver: good}
receivers:
  - {name: dead, webhook_configs: [{url: "${dead.url}/dead"}]}
  - {name: good, webhook_configs: [{url: "${rec.url}/good"}]}`, { options: { delivery: { ...FAST_DELIVERY, timeoutMs: 60_000 } } });
    const t0 = performance.now();
    h.notifier.send([alert({ alertname: 'Both' }, h.clock)]);
    assert.ok(performance.now() - t0 < 1000, 'send() returns without waiting for the hanging receiver (60s timeout)');
    h.clock.advance(0);
    await waitFor(() => rec.requests.length === 1, { what: 'the good receiver' });
    assert.equal(rec.requests[0].body.receiver, 'good');
    await waitFor(() => dead.attempts === 1, { what: 'the dead receiver attempt' });
  });

  describe('forwarding to a real Alertmanager', function () {
    this.timeout(60_000);
    const BIN = '/usr/bin/prometheus-alertmanager';
    let proc: import('node:child_process').ChildProcess | undefined;
    let amUrl = '';
    let tmp = '';

    before(async function () {
      const { existsSync, writeFileSync } = await import('node:fs');
      if (!existsSync(BIN)) {
        if (!process.env.CI) this.skip();
        throw new Error(`${BIN} is missing (CI must install Alertmanager 0.25)`);
      }
      const net = await import('node:net');
      const port = await new Promise<number>((resolve) => {
        const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as import('node:net').AddressInfo).port; s.close(() => resolve(p)); });
      });
      tmp = mkdtempSync(path.join(os.tmpdir(), 'lookout-am-'));
      writeFileSync(path.join(tmp, 'am.yml'), 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n');
      const { spawn } = await import('node:child_process');
      proc = spawn(BIN, [`--config.file=${path.join(tmp, 'am.yml')}`, `--storage.path=${path.join(tmp, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'], { stdio: 'ignore' });
      amUrl = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${amUrl}/-/ready`)).ok, { timeoutMs: 30_000, what: 'alertmanager /-/ready' });
    });

    after(async () => {
      if (proc && proc.exitCode === null) {
        const exited = new Promise((r) => proc!.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    it('POSTs alerts to {url}/api/v2/alerts, where Alertmanager shows them', async () => {
      const h = await startNotifier(`alertmanagers: [{url: "${amUrl}", timeout: 5s}]`, { clock: new FakeClock(Date.now()) });
      cleanups.push(async () => { await h.notifier.shutdown(); await h.host.cleanup(); });
      const startsAt = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, '.000Z');
      h.notifier.send([{ labels: { alertname: 'Forwarded', severity: 'page', job: 'api' }, annotations: { summary: 'from Lookout' },
        startsAt, endsAt: new Date(Date.now() + 600_000).toISOString(), generatorURL: 'http://lookout/graph' }]);
      const got = await waitFor(async () => {
        const list = await (await fetch(`${amUrl}/api/v2/alerts`)).json() as { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; generatorURL: string }[];
        return list.find((a) => a.labels.alertname === 'Forwarded');
      }, { timeoutMs: 20_000, what: 'the alert in Alertmanager' });
      assert.deepEqual(got.labels, { alertname: 'Forwarded', severity: 'page', job: 'api' });
      assert.deepEqual(got.annotations, { summary: 'from Lookout' });
      assert.equal(Date.parse(got.startsAt), Date.parse(startsAt));
      assert.equal(got.generatorURL, 'http://lookout/graph');
      assert.equal(await counterValue(h.host, 'lookout_notifications_total', { integration: 'alertmanager' }), 1);
    });
  });
});
