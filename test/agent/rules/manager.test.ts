import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PostableAlert } from '../../../agent/alerting/types';
import type { Consumer } from '../../../agent/component/component';
import type { ExportLogsServiceRequest } from '../../../agent/otlp/model';
import { rulesConfigSchema } from '../../../agent/rules/config';
import { RuleManager } from '../../../agent/rules/manager';
import { makeHost, type TestHost } from './host';
import { ManualClock } from './manual-clock';
import { MIN, RecordingAppender, sample, scriptedQuery } from './fakes';

const RULES = `
groups:
  - name: node
    interval: 1m
    rules:
      - alert: InstanceDown
        expr: up == 0
        for: 5m
        labels: { severity: critical }
        annotations: { summary: "{{ $labels.instance }} down" }
`;

/**
 * A time as Alertmanager's API writes it (Go's RFC3339Nano): the fraction
 * without trailing zeros, none when zero. The group's slot has a per-group
 * offset, so its milliseconds vary from run to run (".030" is ".03").
 */
const goTime = (ms: number) => new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');

describe('RuleManager', () => {
  let host: TestHost;
  let down: boolean;
  const query = scriptedQuery({ 'up == 0': () => (down ? [sample({ __name__: 'up', instance: 'a:1' }, 0)] : []) });

  beforeEach(() => {
    host = makeHost();
    down = true;
    writeFileSync(path.join(host.storageDir, 'node.rules.yaml'), RULES);
  });
  afterEach(() => host.cleanup());

  function manager(clock: ManualClock, extra: Partial<ConstructorParameters<typeof RuleManager>[0]> = {}) {
    const config = rulesConfigSchema.parse({
      files: ['node.rules.yaml'], default_pack: { enabled: false }, external_labels: { cluster: 'eu' }, for_grace_period: '1m',
    });
    return new RuleManager({ config, baseDir: host.storageDir, query, clock, mountApi: false, ...extra });
  }

  it('shuts down idempotently, also before start', async () => {
    const m = manager(new ManualClock(0));
    await m.shutdown();
    await m.shutdown();
  });

  it('refuses to start with invalid rules, naming every problem', async () => {
    writeFileSync(path.join(host.storageDir, 'node.rules.yaml'), 'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up ==\n');
    const m = manager(new ManualClock(0));
    await assert.rejects(m.start(host), /rules: invalid rule configuration:\n  .*node\.rules\.yaml: 5:11: group "g", rule 1, "A": expr: could not parse expression/);
    await m.shutdown();
  });

  it('evaluates on the group slot, notifies the sink, writes ALERTS, logs transitions', async () => {
    const clock = new ManualClock(1_000_000_000_000);
    const sent: PostableAlert[][] = [];
    const logs: ExportLogsServiceRequest[] = [];
    const app = new RecordingAppender();
    const onTransition: Consumer<'logs'> = { consume: async (_s, d) => { logs.push(d); } };
    const m = manager(clock, { sink: { send: (a) => sent.push(a) }, appender: app, onTransition });
    await m.start(host);
    try {
      const g = m.groups()[0];
      const slot = g.evalTimestamp(clock.now()) + MIN;
      await clock.advanceTo(slot - 1);
      assert.equal(g.lastEvaluation, undefined, 'nothing before the first slot');
      await clock.advanceTo(slot);
      assert.equal(g.lastEvaluation, slot);
      assert.equal(g.alertingRules()[0].allAlerts()[0].state, 'pending');
      await clock.advanceTo(slot + 5 * MIN);
      assert.equal(g.alertingRules()[0].allAlerts()[0].state, 'firing');
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0][0].labels, { alertname: 'InstanceDown', cluster: 'eu', instance: 'a:1', severity: 'critical' });
      assert.equal(sent[0][0].startsAt, goTime(slot + 5 * MIN));
      assert.equal(sent[0][0].endsAt, goTime(slot + 9 * MIN));
      assert.ok(app.appended.some((a) => a.labels.__name__ === 'ALERTS' && a.labels.alertstate === 'firing' && a.t === slot + 5 * MIN));
      await new Promise((r) => setImmediate(r));
      assert.equal(logs.length, 1);
      const rec = logs[0].resourceLogs[0].scopeLogs[0].logRecords[0];
      assert.equal(rec.body?.stringValue, 'alert InstanceDown firing');
      assert.equal(await host.counter('lookout_alerts_transitions', { state: 'firing' }), 1);

      down = false;
      await clock.advanceTo(slot + 6 * MIN);
      assert.equal(sent.length, 2);
      assert.equal(sent[1][0].endsAt, goTime(slot + 6 * MIN), 'resolved: endsAt = resolution time');
      assert.equal(await host.counter('lookout_alerts_transitions', { state: 'resolved' }), 1);
      assert.ok(await host.counter('lookout_rule_evaluations') >= 7);
    } finally {
      await m.shutdown();
    }
    assert.equal(clock.pending(), 0, 'shutdown cancels the timers');
  });

  it('skips evaluations that were missed and counts them', async () => {
    const clock = new ManualClock(1_000_000_000_000);
    const m = manager(clock);
    await m.start(host);
    try {
      const g = m.groups()[0];
      const slot = g.evalTimestamp(clock.now()) + MIN;
      await clock.advanceTo(slot);
      // The process stalls for 3.5 intervals: the next timer fires late.
      clock.time = slot + 3.5 * MIN;
      await clock.advanceTo(slot + 3.5 * MIN);
      assert.equal(g.lastEvaluation, slot + 3 * MIN, 'evaluates at the latest slot, not each missed one');
      assert.equal(await host.counter('lookout_rule_group_iterations_missed'), 2);
    } finally {
      await m.shutdown();
    }
  });

  it('never lets a failing sink break evaluation', async () => {
    const clock = new ManualClock(1_000_000_000_000);
    const m = manager(clock, { sink: { send: () => { throw new Error('sink down'); } } });
    await m.start(host);
    try {
      const g = m.groups()[0];
      await clock.advanceTo(g.evalTimestamp(clock.now()) + 7 * MIN);
      assert.equal(g.rules[0].health, 'ok');
      assert.equal(g.alertingRules()[0].allAlerts()[0].state, 'firing');
    } finally {
      await m.shutdown();
    }
  });

  describe('restarts', () => {
    it('keep pending progress across a restart', async () => {
      const clock = new ManualClock(1_000_000_000_000);
      let m = manager(clock);
      await m.start(host);
      const slot = m.groups()[0].evalTimestamp(clock.now()) + MIN;
      await clock.advanceTo(slot + 3 * MIN); // pending for 3 of 5 minutes
      assert.equal(m.groups()[0].alertingRules()[0].allAlerts()[0].state, 'pending');
      await m.shutdown();

      clock.time += 30_000; // a quick restart
      m = manager(clock);
      await m.start(host);
      try {
        const g = m.groups()[0];
        await clock.advanceTo(slot + 4 * MIN);
        const a = g.alertingRules()[0].allAlerts()[0];
        assert.equal(a.state, 'pending');
        assert.equal(a.activeAt, slot + MIN, 'activeAt moved by the downtime only (1 minute), progress kept');
        await clock.advanceTo(slot + 6 * MIN);
        assert.equal(g.alertingRules()[0].allAlerts()[0].state, 'firing', 'fires 5 minutes of pending after, not 5 minutes after the restart + pending again');
      } finally {
        await m.shutdown();
      }
    });

    it('keep a firing alert firing with the same activeAt and without duplicate notifications', async () => {
      const clock = new ManualClock(1_000_000_000_000);
      const sent: PostableAlert[][] = [];
      let m = manager(clock, { sink: { send: (a) => sent.push(a) } });
      await m.start(host);
      const slot = m.groups()[0].evalTimestamp(clock.now()) + MIN;
      await clock.advanceTo(slot + 5 * MIN);
      const before = m.groups()[0].alertingRules()[0].allAlerts()[0];
      assert.equal(before.state, 'firing');
      assert.equal(sent.length, 1);
      await m.shutdown();

      m = manager(clock, { sink: { send: (a) => sent.push(a) } });
      await m.start(host);
      try {
        await clock.advanceTo(slot + 6 * MIN);
        const after = m.groups()[0].alertingRules()[0].allAlerts()[0];
        assert.equal(after.state, 'firing', 'still firing at the first evaluation after the restart');
        assert.equal(after.activeAt, before.activeAt);
        assert.equal(after.firedAt, before.firedAt);
        assert.equal(sent.length, 1, 'sent one resend_delay ago before the restart: not re-sent yet');
        await clock.advanceTo(slot + 7 * MIN);
        assert.equal(sent.length, 2);
        assert.equal(sent[1][0].startsAt, sent[0][0].startsAt, 'same startsAt: Alertmanager sees the same alert');
        assert.equal(await host.counter('lookout_alerts_transitions', { state: 'firing' }), 1, 'no second firing transition');
      } finally {
        await m.shutdown();
      }
    });

    it('works without persistence', async () => {
      const clock = new ManualClock(1_000_000_000_000);
      const m = manager(clock, { persist: false });
      await m.start(host);
      await clock.advanceTo(m.groups()[0].evalTimestamp(clock.now()) + MIN);
      assert.equal(m.groups()[0].alertingRules()[0].allAlerts().length, 1);
      await m.shutdown();
    });
  });
});
