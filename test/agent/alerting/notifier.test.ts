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

  it('shutdown is idempotent and safe before start; without route/receivers alerts go to the built-in log receiver only', async () => {
    const n = new Notifier(alertingConfig('{}'));
    await n.shutdown();
    await n.shutdown();
    const h = await start('{}');
    assert.equal(h.notifier.builtinLog, true);
    h.notifier.send([alert({ alertname: 'X' }, h.clock)]);
    assert.deepEqual(h.notifier.listAlerts().map((a) => a.receivers), [[{ name: 'log' }]]);
    await advance(h, 3600_000);
    assert.equal(rec.attempts, 0, 'no outbound call');
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

  it('integrations of one receiver have their own queues: a hanging one holds back neither the other nor later flushes', async () => {
    const dead = await new Recorder().start();
    dead.respond = () => 'hang';
    cleanups.push(() => dead.stop());
    const h = await start(`route: {receiver: both, group_wait: 0s, group_interval: 1m, group_by: [alertname]}
receivers:
  - name: both
    webhook_configs:
      - {url: "${dead.url}/dead"}
      - {url: "${rec.url}/good"}`, { options: { delivery: { ...FAST_DELIVERY, timeoutMs: 60_000 } } });
    h.notifier.send([alert({ alertname: 'G', i: '1' }, h.clock)]);
    h.clock.advance(0);
    await waitFor(() => rec.requests.length === 1, { what: 'the first notification at the good webhook' });
    // A new alert joins the group; the next group_interval flush reaches the good webhook while the dead one still hangs.
    h.notifier.send([alert({ alertname: 'G', i: '1' }, h.clock), alert({ alertname: 'G', i: '2' }, h.clock)]);
    h.clock.advance(60_000);
    await waitFor(() => rec.requests.length === 2, { what: 'the second notification at the good webhook' });
    assert.equal(rec.requests[1].body.alerts.length, 2);
    h.clock.advance(60_000);
    assert.equal(dead.attempts, 1, 'later flushes wait behind the hanging delivery (newest one only), never pile up');
    assert.equal(rec.requests.length, 2, 'nothing new for the good webhook: deduplicated');
  });

  it('exports Alertmanager-style self-metrics: alerts by state, received, invalid, groups, silences', async () => {
    const h = await start(`route: {receiver: web, group_wait: 1m, group_by: [alertname]}
receivers: [{name: web, webhook_configs: [{url: "${rec.url}/hook"}]}]`);
    h.notifier.silences().upsert({ matchers: [{ name: 'alertname', value: 'Muted', isRegex: false, isEqual: true }],
      startsAt: new Date(h.clock.t).toISOString(), endsAt: new Date(h.clock.t + 3600_000).toISOString(), createdBy: 'sre', comment: 'c' });
    h.notifier.send([alert({ alertname: 'A' }, h.clock), alert({ alertname: 'Muted' }, h.clock), alert({ alertname: 'Done' }, h.clock, { endsAt: new Date(h.clock.t).toISOString() }),
      { labels: {}, annotations: {}, startsAt: new Date(h.clock.t).toISOString() }]);
    const v = (name: string, attrs: Record<string, string> = {}) => counterValue(h.host, name, attrs);
    assert.equal(await v('lookout_alerts', { state: 'active' }), 1);
    assert.equal(await v('lookout_alerts', { state: 'suppressed' }), 1);
    assert.equal(await v('lookout_alerts_received_total', { status: 'firing' }), 2);
    assert.equal(await v('lookout_alerts_received_total', { status: 'resolved' }), 1);
    assert.equal(await v('lookout_alerts_invalid_total'), 1);
    assert.equal(await v('lookout_dispatcher_aggregation_groups'), 3);
    assert.equal(await v('lookout_silences', { state: 'active' }), 1);
    assert.equal(await v('lookout_silences', { state: 'expired' }), 0);
  });
});
