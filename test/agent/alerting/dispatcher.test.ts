import assert from 'node:assert/strict';
import { Recorder } from '../notify/recorder';
import { FakeClock } from './fake-clock';
import { advance, alert, startNotifier, type Harness } from './harness';

describe('alerting dispatcher (fake clock)', () => {
  let rec: Recorder;
  let h: Harness | undefined;

  beforeEach(async () => { rec = await new Recorder().start(); });
  afterEach(async () => {
    await h?.notifier.shutdown();
    await h?.host.cleanup();
    h = undefined;
    await rec.stop();
  });

  const receivers = (names: string[], extra = '') => 'receivers:\n' + names.map((n) => `  - name: ${n}\n    webhook_configs: [{url: "${rec.url}/${n}"${extra}}]`).join('\n');
  const alertnames = (path?: string) => rec.requests.filter((r) => !path || r.path === path).map((r) => (r.body.alerts as { labels: Record<string, string> }[]).map((a) => a.labels.alertname).sort().join(','));

  it('waits group_wait, batches the group, then group_interval, then repeat_interval', async () => {
    h = await startNotifier(`route: {receiver: web, group_by: [alertname], group_wait: 30s, group_interval: 5m, repeat_interval: 1h}\n${receivers(['web'])}`);
    h.notifier.send([alert({ alertname: 'A', instance: '1' }, h.clock)]);
    await advance(h, 29_000);
    assert.equal(rec.requests.length, 0, 'nothing before group_wait');
    h.notifier.send([alert({ alertname: 'A', instance: '2' }, h.clock)]);
    await advance(h, 1_000);
    assert.equal(rec.requests.length, 1);
    const body = rec.requests[0].body;
    assert.deepEqual(body.groupLabels, { alertname: 'A' });
    assert.equal(body.groupKey, '{}:{alertname="A"}');
    assert.equal(body.alerts.length, 2);

    // A new alert joins; it goes out at the next group_interval, not before.
    await advance(h, 60_000);
    h.notifier.send([alert({ alertname: 'A', instance: '1' }, h.clock), alert({ alertname: 'A', instance: '2' }, h.clock), alert({ alertname: 'A', instance: '3' }, h.clock)]);
    await advance(h, 3 * 60_000);
    assert.equal(rec.requests.length, 1, 'new alert waits for group_interval');
    await advance(h, 60_000);
    assert.equal(rec.requests.length, 2);
    assert.equal(rec.requests[1].body.alerts.length, 3);

    // Nothing changes: no notification until repeat_interval has passed since the last one.
    for (let i = 0; i < 11; i++) {
      h.notifier.send([1, 2, 3].map((n) => alert({ alertname: 'A', instance: String(n) }, h!.clock, { endsAt: new Date(h!.clock.t + 10 * 60_000).toISOString() })));
      await advance(h, 5 * 60_000);
    }
    assert.equal(rec.requests.length, 2, 'no repeat before repeat_interval');
    h.notifier.send([1, 2, 3].map((n) => alert({ alertname: 'A', instance: String(n) }, h!.clock, { endsAt: new Date(h!.clock.t + 10 * 60_000).toISOString() })));
    await advance(h, 5 * 60_000);
    assert.equal(rec.requests.length, 3, 'repeat after repeat_interval');
    assert.equal(rec.requests[2].body.status, 'firing');
    assert.equal(rec.requests[2].body.alerts.length, 3);
  });

  it('sends resolved notifications with endsAt, and firing ones with the zero endsAt', async () => {
    h = await startNotifier(`route: {receiver: web, group_wait: 10s, group_interval: 1m}\n${receivers(['web'])}`);
    const a = alert({ alertname: 'Down', job: 'api' }, h.clock);
    h.notifier.send([a]);
    await advance(h, 10_000);
    assert.equal(rec.requests[0].body.status, 'firing');
    assert.equal(rec.requests[0].body.alerts[0].endsAt, '0001-01-01T00:00:00Z');
    const endsAt = new Date(h.clock.t).toISOString();
    h.notifier.send([{ ...a, endsAt }]);
    await advance(h, 60_000);
    assert.equal(rec.requests.length, 2);
    assert.equal(rec.requests[1].body.status, 'resolved');
    assert.equal(rec.requests[1].body.alerts[0].status, 'resolved');
    // Go's RFC3339Nano, as Alertmanager prints times: no zero fraction.
    assert.equal(rec.requests[1].body.alerts[0].endsAt, endsAt.replace('.000Z', 'Z'));
    assert.equal(rec.requests[1].body.alerts[0].startsAt, a.startsAt!.replace('.000Z', 'Z'));
    await advance(h, 10 * 60_000);
    assert.equal(rec.requests.length, 2, 'a resolved group is dropped, not re-notified');
  });

  it('resolves alerts without endsAt after global.resolve_timeout; send_resolved: false skips the resolved notification', async () => {
    h = await startNotifier(`global: {resolve_timeout: 2m}\nroute: {receiver: quiet, group_wait: 0s, group_interval: 1m}\n${receivers(['quiet'], ', send_resolved: false')}`);
    h.notifier.send([{ labels: { alertname: 'NoEnd' }, annotations: {}, startsAt: new Date(h.clock.t).toISOString() }]);
    await advance(h, 0);
    assert.equal(rec.requests.length, 1);
    assert.equal(h.notifier.listAlerts().length, 1);
    await advance(h, 3 * 60_000);
    assert.equal(h.notifier.listAlerts().length, 0, 'resolved after resolve_timeout');
    assert.equal(rec.requests.length, 1, 'no resolved notification with send_resolved: false');
  });

  it('routes to the first matching child, keeps going after continue: true, falls back to the parent', async () => {
    h = await startNotifier(`route:
  receiver: root
  group_wait: 0s
  routes:
    - {matchers: ['team="a"'], receiver: a, continue: true}
    - {matchers: ['team=~"a|b"'], receiver: ab}
    - {match: {team: b}, receiver: never}
    - {match_re: {team: "c.*"}, receiver: c, routes: [{matchers: ['severity!="info"'], receiver: csev}]}
${receivers(['root', 'a', 'ab', 'never', 'c', 'csev'])}`);
    const to = (labels: Record<string, string>) => h!.notifier.testAlert(labels, {}).receivers;
    assert.deepEqual(to({ team: 'a' }), ['a', 'ab']);
    assert.deepEqual(to({ team: 'b' }), ['ab']);
    assert.deepEqual(to({ team: 'cx', severity: 'info' }), ['c']);
    assert.deepEqual(to({ team: 'cx', severity: 'page' }), ['csev']);
    assert.deepEqual(to({ team: 'z' }), ['root']);
    await advance(h, 0);
    const paths = rec.requests.map((r) => r.path).sort();
    assert.deepEqual(paths, ['/a', '/ab', '/c', '/csev', '/root']);
    const ab = rec.requests.find((r) => r.path === '/ab')!;
    assert.equal(ab.body.receiver, 'ab');
    assert.equal(ab.body.groupKey, '{}/{team=~"a|b"}:{}');
    assert.deepEqual(ab.body.alerts.map((a: { labels: { team: string } }) => a.labels.team).sort(), ['a', 'b'], 'one group (no group_by) holds both');
  });

  it("group_by ['...'] makes one group per label set; group_by [alertname] one per alertname", async () => {
    h = await startNotifier(`route:
  receiver: all
  group_wait: 5s
  group_by: ['...']
  routes:
    - {matchers: ['kind="byname"'], receiver: byname, group_by: [alertname]}
${receivers(['all', 'byname'])}`);
    h.notifier.send([alert({ alertname: 'X', i: '1' }, h.clock), alert({ alertname: 'X', i: '2' }, h.clock),
      alert({ alertname: 'Y', kind: 'byname', i: '1' }, h.clock), alert({ alertname: 'Y', kind: 'byname', i: '2' }, h.clock)]);
    await advance(h, 5_000);
    const all = rec.requests.filter((r) => r.path === '/all');
    assert.equal(all.length, 2);
    assert.deepEqual(all.map((r) => r.body.groupLabels).sort((a, b) => a.i.localeCompare(b.i)), [{ alertname: 'X', i: '1' }, { alertname: 'X', i: '2' }]);
    const byname = rec.requests.filter((r) => r.path === '/byname');
    assert.equal(byname.length, 1);
    assert.equal(byname[0].body.alerts.length, 2);
    assert.deepEqual(byname[0].body.commonLabels, { alertname: 'Y', kind: 'byname' });
  });

  it('inhibits targets while a firing source with equal labels exists', async () => {
    h = await startNotifier(`route: {receiver: web, group_wait: 0s, group_interval: 1m, group_by: ['...']}
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [cluster]
${receivers(['web'])}`);
    h.notifier.send([
      alert({ alertname: 'Crit', severity: 'critical', cluster: 'a' }, h.clock),
      alert({ alertname: 'WarnSame', severity: 'warning', cluster: 'a' }, h.clock),
      alert({ alertname: 'WarnOther', severity: 'warning', cluster: 'b' }, h.clock),
    ]);
    await advance(h, 0);
    assert.deepEqual(alertnames().sort(), ['Crit', 'WarnOther']);
    const api = h.notifier.listAlerts().find((a) => a.labels.alertname === 'WarnSame')!;
    assert.equal(api.status.state, 'suppressed');
    assert.equal(api.status.inhibitedBy.length, 1);
    // The source resolves: the target is no longer inhibited and goes out.
    h.notifier.send([alert({ alertname: 'Crit', severity: 'critical', cluster: 'a' }, h.clock, { endsAt: new Date(h.clock.t).toISOString() }),
      alert({ alertname: 'WarnSame', severity: 'warning', cluster: 'a' }, h.clock)]);
    await advance(h, 60_000);
    assert.ok(alertnames().includes('WarnSame'));
  });

  it('silences mute matching alerts until expired', async () => {
    h = await startNotifier(`route: {receiver: web, group_wait: 0s, group_interval: 1m, group_by: ['...']}\n${receivers(['web'])}`);
    const silences = h.notifier.silences();
    const id = silences.upsert({ matchers: [{ name: 'alertname', value: 'Noisy', isRegex: false, isEqual: true }], startsAt: new Date(h.clock.t).toISOString(),
      endsAt: new Date(h.clock.t + 3600_000).toISOString(), createdBy: 'sre', comment: 'maintenance' });
    h.notifier.send([alert({ alertname: 'Noisy' }, h.clock), alert({ alertname: 'Other' }, h.clock)]);
    await advance(h, 0);
    assert.deepEqual(alertnames(), ['Other']);
    assert.deepEqual(h.notifier.listAlerts().find((a) => a.labels.alertname === 'Noisy')!.status.silencedBy, [id]);
    silences.expire(id);
    h.notifier.send([alert({ alertname: 'Noisy' }, h.clock), alert({ alertname: 'Other' }, h.clock)]);
    await advance(h, 60_000);
    assert.deepEqual(alertnames(), ['Other', 'Noisy']);
  });

  it('mute_time_intervals and active_time_intervals gate notifications by time', async () => {
    // 2026-03-07 is a Saturday.
    const clock = new FakeClock(Date.parse('2026-03-07T08:00:00Z'));
    h = await startNotifier(`route:
  receiver: web
  group_wait: 0s
  group_interval: 1h
  repeat_interval: 24h
  group_by: [alertname]
  routes:
    - {matchers: ['kind="muted"'], receiver: muted, mute_time_intervals: [weekends]}
    - {matchers: ['kind="office"'], receiver: office, active_time_intervals: [office-hours]}
time_intervals:
  - name: weekends
    time_intervals: [{weekdays: [saturday, sunday]}]
  - name: office-hours
    time_intervals: [{weekdays: ['monday:friday'], times: [{start_time: '09:00', end_time: '17:00'}], location: Europe/Berlin}]
${receivers(['web', 'muted', 'office'])}`, { clock });
    // Re-sent every hour with endsAt 4h ahead, as Prometheus does (4 x resend delay): the alerts stay firing.
    const endsAt = () => new Date(clock.t + 4 * 3600_000).toISOString();
    const both = () => [alert({ alertname: 'M', kind: 'muted' }, clock, { endsAt: endsAt() }), alert({ alertname: 'O', kind: 'office' }, clock, { endsAt: endsAt() })];
    h.notifier.send(both());
    await advance(h, 0);
    assert.equal(rec.requests.length, 0, 'Saturday: muted by weekends, outside office hours');
    // Until Monday 2026-03-09 07:00 UTC = 08:00 Berlin: not muted any more, still before office hours.
    for (let t = clock.t; t < Date.parse('2026-03-09T07:00:00Z'); t += 3600_000) { h.notifier.send(both()); await advance(h, 3600_000); }
    assert.deepEqual(rec.requests.map((r) => r.path), ['/muted']);
    // The next tick, 08:00 UTC = 09:00 Berlin: office hours.
    h.notifier.send(both());
    await advance(h, 3600_000);
    assert.deepEqual(rec.requests.map((r) => r.path), ['/muted', '/office']);
  });
});
