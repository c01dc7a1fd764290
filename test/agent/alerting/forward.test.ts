import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MAX_BATCH, MAX_QUEUE } from '../../../agent/alerting/forward';
import { fingerprint } from '../../../agent/alerting/key';
import type { PostableAlert } from '../../../agent/alerting/types';
import { counterValue } from '../../helpers/test-host';
import { waitFor } from '../../helpers/wait';
import { Recorder } from '../notify/recorder';
import { FakeClock } from './fake-clock';
import { alert, startNotifier, type Harness } from './harness';

describe('forwarding to Alertmanagers (alerting.alertmanagers)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  async function recorder(): Promise<Recorder> {
    const r = await new Recorder().start();
    cleanups.push(() => r.stop());
    return r;
  }

  async function start(yaml: string): Promise<Harness> {
    const h = await startNotifier(yaml);
    cleanups.push(async () => { await h.notifier.shutdown(); await h.host.cleanup(); });
    return h;
  }

  it('POSTs every alert rule evaluation sends, as a PostableAlert array, with the configured headers', async () => {
    const am = await recorder();
    const h = await start(`alertmanagers: [{url: "${am.url}/prefix/", headers: {X-Scope-OrgID: team-a}}]`);
    const a = alert({ alertname: 'Fwd', job: 'api' }, h.clock);
    h.notifier.send([a]);
    h.notifier.send([{ ...a, annotations: { summary: 'changed' } }]);
    await h.notifier.settled();
    assert.equal(am.requests.length, 1, 'alerts handed over in one turn of the event loop go in one POST');
    const r = am.requests[0];
    assert.equal(r.path, '/prefix/api/v2/alerts');
    assert.equal(r.headers['x-scope-orgid'], 'team-a');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.deepEqual(r.body, [a, { ...a, annotations: { summary: 'changed' } }], 'exactly as received from rule evaluation');
    // Re-sent on every send (the Alertmanager deduplicates), not deduplicated here.
    h.notifier.send([a]);
    await h.notifier.settled();
    assert.equal(am.requests.length, 2);
  });

  it('batches large sends, retries a failing Alertmanager, and a dead one never delays another', async () => {
    const good = await recorder();
    const flaky = await recorder();
    const dead = await recorder();
    flaky.respond = (n) => (n < 2 ? 503 : 200);
    dead.respond = () => 'hang';
    const h = await start(`alertmanagers:
  - {url: "${dead.url}", timeout: 30s}
  - {url: "${flaky.url}"}
  - {url: "${good.url}"}`);
    const many: PostableAlert[] = Array.from({ length: MAX_BATCH + 10 }, (_, i) => alert({ alertname: 'Many', i: String(i) }, h.clock));
    h.notifier.send(many);
    await waitFor(() => good.requests.length === 2, { what: 'two batches at the good Alertmanager' });
    assert.deepEqual(good.requests.map((r) => r.body.length), [MAX_BATCH, 10]);
    await waitFor(() => flaky.requests.length === 2, { what: 'both batches at the flaky Alertmanager after retries' });
    assert.equal(flaky.attempts, 4, 'two 503s retried, then two successes');
    assert.equal(dead.attempts, 1, 'the dead one still holds its first batch');
    assert.equal(await counterValue(h.host, 'lookout_notifications_failed_total', { integration: 'alertmanager' }), 2);
    await dead.stop(); // lets shutdown finish without waiting for the hung request
  });

  it('drops the oldest alerts when a queue overflows, and counts them', async () => {
    const dead = await recorder();
    dead.respond = () => 'hang';
    const h = await start(`alertmanagers: [{url: "${dead.url}", timeout: 60s}]`);
    const batch = (n: number) => Array.from({ length: n }, (_, i) => alert({ alertname: 'Flood', i: String(i) }, h.clock));
    h.notifier.send(batch(MAX_QUEUE));
    await waitFor(() => dead.attempts === 1, { what: 'the first batch in flight' });
    h.notifier.send(batch(1000));
    const over = MAX_QUEUE - MAX_BATCH + 1000 - MAX_QUEUE;
    assert.equal(await counterValue(h.host, 'lookout_notifications_dropped_total', { integration: 'alertmanager' }), over);
    await dead.stop();
  });

  describe('a real Alertmanager 0.25', function () {
    this.timeout(60_000);
    const BIN = '/usr/bin/prometheus-alertmanager';
    let proc: ChildProcess | undefined;
    let amUrl = '';
    let tmp = '';

    before(async function () {
      if (!existsSync(BIN)) {
        if (!process.env.CI) this.skip();
        throw new Error(`${BIN} is missing (CI must install it: apt-get install -y prometheus-alertmanager)`);
      }
      const port = await new Promise<number>((resolve) => {
        const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => resolve(p)); });
      });
      tmp = mkdtempSync(path.join(os.tmpdir(), 'lookout-am-'));
      writeFileSync(path.join(tmp, 'am.yml'), 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n');
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

    interface AmAlert { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string; fingerprint: string; status: { state: string } }
    const listAlerts = async () => (await (await fetch(`${amUrl}/api/v2/alerts`)).json()) as AmAlert[];

    it('shows forwarded alerts in GET /api/v2/alerts with labels, annotations and startsAt; a resolved one leaves', async () => {
      const h = await startNotifier(`alertmanagers: [{url: "${amUrl}", timeout: 5s}]`, { clock: new FakeClock(Date.now()) });
      cleanups.push(async () => { await h.notifier.shutdown(); await h.host.cleanup(); });
      const startsAt = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, '.000Z');
      const firing: PostableAlert = {
        labels: { alertname: 'Forwarded', severity: 'page', job: 'api' }, annotations: { summary: 'from Lookout' },
        startsAt, endsAt: new Date(Date.now() + 600_000).toISOString(), generatorURL: 'http://lookout/graph',
      };
      h.notifier.send([firing, { ...firing, labels: { alertname: 'Other', job: 'api' } }]);
      const got = await waitFor(async () => (await listAlerts()).find((a) => a.labels.alertname === 'Forwarded'), { timeoutMs: 20_000, what: 'the alert in Alertmanager' });
      assert.deepEqual(got.labels, { alertname: 'Forwarded', severity: 'page', job: 'api' });
      assert.deepEqual(got.annotations, { summary: 'from Lookout' });
      assert.equal(Date.parse(got.startsAt), Date.parse(startsAt));
      assert.equal(got.generatorURL, 'http://lookout/graph');
      assert.equal(got.status.state, 'active');
      assert.equal(got.fingerprint, fingerprint(got.labels), "Lookout's fingerprints (webhook payloads, API) are Alertmanager's");
      assert.equal(await counterValue(h.host, 'lookout_notifications_total', { integration: 'alertmanager' }), 1);

      // Rule evaluation resolves it (endsAt now): Alertmanager stops listing it as active.
      h.notifier.send([{ ...firing, endsAt: new Date(Date.now() - 1000).toISOString() }]);
      await waitFor(async () => !(await listAlerts()).some((a) => a.labels.alertname === 'Forwarded'), { timeoutMs: 20_000, what: 'the resolved alert to leave' });
      assert.ok((await listAlerts()).some((a) => a.labels.alertname === 'Other'), 'the other alert is still active');
    });
  });
});
