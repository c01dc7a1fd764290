/**
 * Resolved notifications never go missing (issue 15, item 4), as defined in
 * the README ("Resolved notifications"): a silence or an inhibition stops new
 * pages, not the resolution of a page that went out; an alert that fired and
 * resolved entirely under a silence sends nothing; a silence expiring over a
 * still-firing alert sends its firing notification; a resolution inside a
 * mute_time_interval goes out when the window ends.
 */
import assert from 'node:assert/strict';
import { advance, alert, recorderFixture, startNotifier, type Harness } from './harness';

describe('resolved notifications (silences, inhibition, mute windows)', () => {
  const f = recorderFixture();

  const config = (extra = '') => `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 10s
  group_interval: 1m
  repeat_interval: 4h
${extra}receivers:
  - name: hook
    webhook_configs: [{url: "URL"}]
`;
  const start = async (yaml: string) => { f.h = await startNotifier(yaml.replace('URL', `${f.rec.url}/hook`)); return f.h; };
  const silence = (hh: Harness, minutes: number) => hh.notifier.silences().upsert({
    matchers: [{ name: 'alertname', value: 'Down', isRegex: false, isEqual: true }],
    startsAt: new Date(hh.clock.t).toISOString(), endsAt: new Date(hh.clock.t + minutes * 60_000).toISOString(), createdBy: 'sre', comment: 'maintenance',
  });
  const statuses = () => f.rec.requests.map((r) => (r.body as { status: string }).status);

  it('a silence does not swallow the resolution of a page that went out', async () => {
    const hh = await start(config());
    const a = alert({ alertname: 'Down', instance: 'a' }, hh.clock);
    hh.notifier.send([a]);
    await advance(hh, 10_000);
    assert.deepEqual(statuses(), ['firing']);
    silence(hh, 60);
    hh.notifier.send([{ ...a, endsAt: new Date(hh.clock.t).toISOString() }]);
    await advance(hh, 60_000);
    assert.deepEqual(statuses(), ['firing', 'resolved']);
    await advance(hh, 10 * 60_000);
    assert.equal(f.rec.requests.length, 2, 'sent once');
  });

  it('an alert that fired and resolved under a silence sends nothing', async () => {
    const hh = await start(config());
    silence(hh, 60);
    const a = alert({ alertname: 'Down', instance: 'a' }, hh.clock);
    hh.notifier.send([a]);
    await advance(hh, 2 * 60_000);
    hh.notifier.send([{ ...a, endsAt: new Date(hh.clock.t).toISOString() }]);
    await advance(hh, 90 * 60_000);
    assert.deepEqual(statuses(), []);
  });

  it('a silence expiring over a firing alert sends the firing, then its resolution', async () => {
    const hh = await start(config());
    silence(hh, 5);
    const a = alert({ alertname: 'Down', instance: 'a' }, hh.clock);
    hh.notifier.send([a]);
    await advance(hh, 4 * 60_000);
    assert.deepEqual(statuses(), []);
    await advance(hh, 2 * 60_000);
    assert.deepEqual(statuses(), ['firing'], 'at the first flush after the silence expired');
    hh.notifier.send([{ ...a, endsAt: new Date(hh.clock.t).toISOString() }]);
    await advance(hh, 60_000);
    assert.deepEqual(statuses(), ['firing', 'resolved']);
  });

  it('an inhibited resolution of a notified alert is still sent', async () => {
    const hh = await start(config(`inhibit_rules:
  - source_matchers: [alertname="ClusterDown"]
    target_matchers: [alertname="Down"]
`));
    const a = alert({ alertname: 'Down', instance: 'a' }, hh.clock);
    hh.notifier.send([a]);
    await advance(hh, 10_000);
    hh.notifier.send([alert({ alertname: 'ClusterDown' }, hh.clock)]);
    hh.notifier.send([{ ...a, endsAt: new Date(hh.clock.t).toISOString() }]);
    await advance(hh, 60_000);
    const downs = f.rec.requests.map((r) => r.body as { status: string; groupLabels: { alertname: string } }).filter((b) => b.groupLabels.alertname === 'Down');
    assert.deepEqual(downs.map((b) => b.status), ['firing', 'resolved']);
  });

  it('a resolution inside a mute_time_interval goes out when the window ends', async () => {
    // The fake clock starts at 2026-03-02T10:00:00Z; the window is 10:05-10:10 UTC.
    const hh = await start(config(`  routes:
    - matchers: [alertname="Down"]
      mute_time_intervals: [window]
time_intervals:
  - name: window
    time_intervals: [{times: [{start_time: "10:05", end_time: "10:10"}]}]
`).replace('repeat_interval: 4h\n', 'repeat_interval: 4h\n'));
    const a = alert({ alertname: 'Down', instance: 'a' }, hh.clock);
    hh.notifier.send([a]);
    await advance(hh, 10_000);
    assert.deepEqual(statuses(), ['firing']);
    await advance(hh, 6 * 60_000); // 10:06:10, inside the window
    hh.notifier.send([{ ...a, endsAt: new Date(hh.clock.t).toISOString() }]);
    await advance(hh, 3 * 60_000); // 10:09:10
    assert.deepEqual(statuses(), ['firing'], 'muted inside the window');
    await advance(hh, 2 * 60_000); // 10:11:10
    assert.deepEqual(statuses(), ['firing', 'resolved']);
  });
});
