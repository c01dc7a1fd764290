import assert from 'node:assert/strict';
import { AlertingRule } from '../../../agent/rules/alerting-rule';
import type { RuleSpec } from '../../../agent/rules/rulefmt';
import { MIN, sample, scriptedQuery } from './fakes';

function rule(over: Partial<RuleSpec> = {}, ctx = { externalLabels: {}, externalURL: 'http://lookout:9464', queryOffset: 0 }) {
  return new AlertingRule({
    kind: 'alert', name: 'InstanceDown', expr: 'up == 0', for: 2 * MIN, keepFiringFor: 0,
    labels: { severity: 'page' }, annotations: { summary: '{{ $labels.instance }} down ({{ $value }})' }, ...over,
  }, ctx);
}

/** up == 0 returns the instance while `down(t)` holds. */
function downWhile(down: (t: number) => boolean, value = 0) {
  return scriptedQuery({
    'up == 0': (t) => (down(t) ? [sample({ __name__: 'up', instance: 'a:1', job: 'node' }, value)] : []),
  });
}

describe('alerting rule state machine', () => {
  it('goes pending, then firing once active for `for`', async () => {
    const r = rule();
    const q = downWhile(() => true);
    let res = await r.eval(0, q, 0);
    const [a] = r.allAlerts();
    assert.equal(a.state, 'pending');
    assert.equal(a.activeAt, 0);
    assert.deepEqual(a.labels, { alertname: 'InstanceDown', instance: 'a:1', job: 'node', severity: 'page' });
    assert.deepEqual(a.annotations, { summary: 'a:1 down (0)' });
    assert.deepEqual(res.transitions, []);
    assert.deepEqual(res.samples.map((s) => [s.metric.__name__, s.metric.alertstate, s.value]), [
      ['ALERTS', 'pending', 1], ['ALERTS_FOR_STATE', undefined, 0],
    ]);

    await r.eval(1 * MIN, q, 0);
    assert.equal(r.allAlerts()[0].state, 'pending');
    res = await r.eval(2 * MIN, q, 0);
    assert.equal(r.allAlerts()[0].state, 'firing');
    assert.equal(r.allAlerts()[0].firedAt, 2 * MIN);
    assert.equal(r.allAlerts()[0].activeAt, 0);
    assert.deepEqual(res.transitions.map((t) => [t.to, t.at]), [['firing', 2 * MIN]]);
    assert.equal(res.samples[0].metric.alertstate, 'firing');
    assert.equal(r.state(), 'firing');
  });

  it('fires at once without `for`', async () => {
    const r = rule({ for: 0 });
    const res = await r.eval(5 * MIN, downWhile(() => true), 0);
    assert.equal(r.allAlerts()[0].state, 'firing');
    assert.equal(res.transitions.length, 1);
  });

  it('forgets a pending alert that disappears, without a resolution', async () => {
    const r = rule();
    const q = downWhile((t) => t < 1 * MIN);
    await r.eval(0, q, 0);
    const res = await r.eval(1 * MIN, q, 0);
    assert.equal(r.allAlerts().length, 0);
    assert.deepEqual(res.transitions, []);
    assert.deepEqual(r.sendAlerts(1 * MIN, MIN, MIN), []);
  });

  it('resolves a firing alert that disappears, keeps it 15 minutes, then drops it', async () => {
    const r = rule({ for: 0 });
    const q = downWhile((t) => t < 1 * MIN);
    await r.eval(0, q, 0);
    const res = await r.eval(1 * MIN, q, 0);
    const [a] = r.allAlerts();
    assert.equal(a.state, 'inactive');
    assert.equal(a.resolvedAt, 1 * MIN);
    assert.deepEqual(res.transitions.map((t) => [t.to, t.alert.resolvedAt]), [['resolved', 1 * MIN]]);
    assert.deepEqual(res.samples, [], 'no ALERTS series for resolved alerts');
    assert.deepEqual(r.activeAlerts(), []);
    await r.eval(16 * MIN, q, 0); // 15m after resolution: still kept (retention is exclusive)
    assert.equal(r.allAlerts().length, 1);
    await r.eval(16 * MIN + 1, q, 0);
    assert.equal(r.allAlerts().length, 0);
  });

  it('starts a new alert when a resolved one comes back', async () => {
    const r = rule({ for: 0 });
    const q = downWhile((t) => t !== 1 * MIN);
    await r.eval(0, q, 0);
    await r.eval(1 * MIN, q, 0);
    await r.eval(2 * MIN, q, 0);
    const [a] = r.allAlerts();
    assert.equal(a.state, 'firing');
    assert.equal(a.activeAt, 2 * MIN);
    assert.equal(a.resolvedAt, undefined);
  });

  it('keeps firing for keep_firing_for after the condition clears, and resets when it returns', async () => {
    const r = rule({ for: 0, keepFiringFor: 5 * MIN });
    let down = true;
    const q = downWhile(() => down);
    await r.eval(0, q, 0);
    down = false;
    let res = await r.eval(1 * MIN, q, 0);
    assert.equal(r.allAlerts()[0].state, 'firing');
    assert.equal(r.allAlerts()[0].keepFiringSince, 1 * MIN);
    assert.equal(res.samples[0].metric.alertstate, 'firing', 'kept alerts still produce ALERTS');
    await r.eval(5 * MIN, q, 0);
    assert.equal(r.allAlerts()[0].state, 'firing');
    res = await r.eval(6 * MIN, q, 0);
    assert.equal(r.allAlerts()[0].state, 'inactive');
    assert.deepEqual(res.transitions.map((t) => t.to), ['resolved']);

    const r2 = rule({ for: 0, keepFiringFor: 5 * MIN });
    down = true;
    await r2.eval(0, q, 0);
    down = false;
    await r2.eval(1 * MIN, q, 0);
    down = true;
    await r2.eval(2 * MIN, q, 0);
    assert.equal(r2.allAlerts()[0].keepFiringSince, undefined);
    down = false;
    await r2.eval(3 * MIN, q, 0);
    assert.equal(r2.allAlerts()[0].keepFiringSince, 3 * MIN, 'the keep-firing period restarts');
    assert.equal(r2.allAlerts()[0].activeAt, 0);
  });

  it('sends firing alerts every resend delay and resolutions at once', async () => {
    const r = rule({ for: 0 });
    let down = true;
    const q = downWhile(() => down);
    await r.eval(0, q, 0);
    let sent = r.sendAlerts(0, MIN, 15_000);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].validUntil, 4 * MIN, 'endsAt = now + 4 x max(resend delay, interval)');
    assert.equal(sent[0].generatorURL, 'http://lookout:9464/graph?g0.expr=up+%3D%3D+0&g0.tab=1');
    await r.eval(30_000, q, 0);
    assert.deepEqual(r.sendAlerts(30_000, MIN, 15_000), []);
    await r.eval(MIN, q, 0);
    assert.deepEqual(r.sendAlerts(MIN, MIN, 15_000), [], 'exactly one resend delay later: not yet (Prometheus is strict)');
    await r.eval(MIN + 15_000, q, 0);
    sent = r.sendAlerts(MIN + 15_000, MIN, 15_000);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].validUntil, MIN + 15_000 + 4 * MIN);
    const withLongInterval = r.sendAlerts(10 * MIN, MIN, 5 * MIN);
    assert.equal(withLongInterval[0].validUntil, 10 * MIN + 20 * MIN);

    down = false;
    await r.eval(11 * MIN, q, 0);
    sent = r.sendAlerts(11 * MIN, MIN, 15_000);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].state, 'inactive');
    assert.equal(sent[0].resolvedAt, 11 * MIN);
    await r.eval(11 * MIN + 15_000, q, 0);
    assert.deepEqual(r.sendAlerts(11 * MIN + 15_000, MIN, 15_000), []);
    await r.eval(12 * MIN + 15_000, q, 0);
    assert.equal(r.sendAlerts(12 * MIN + 15_000, MIN, 15_000).length, 1, 'resolutions are re-sent while retained');
  });

  it('never sends pending alerts', async () => {
    const r = rule();
    await r.eval(0, downWhile(() => true), 0);
    assert.deepEqual(r.sendAlerts(0, MIN, MIN), []);
  });

  it('expands labels and annotations per alert; an empty label disappears; value updates', async () => {
    const r = rule({
      for: 0,
      labels: { severity: '{{ if gt $value 1.0 }}page{{ else }}ticket{{ end }}', job: '', team: '{{ $externalLabels.team }}' },
      annotations: { value: '{{ $value }}' },
    }, { externalLabels: { team: 'sre' }, externalURL: '', queryOffset: 0 });
    let v = 2;
    const q = scriptedQuery({ 'up == 0': () => [sample({ __name__: 'up', instance: 'a:1', job: 'node' }, v)] });
    await r.eval(0, q, 0);
    assert.deepEqual(r.allAlerts()[0].labels, { alertname: 'InstanceDown', instance: 'a:1', severity: 'page', team: 'sre' });
    v = 3;
    await r.eval(MIN, q, 0);
    assert.equal(r.allAlerts()[0].annotations.value, '3');
    assert.equal(r.allAlerts()[0].value, 3);
  });

  it('rejects results that collapse to the same label set', async () => {
    const r = rule({ labels: { instance: 'all' } });
    const q = scriptedQuery({
      'up == 0': () => [sample({ instance: 'a' }, 0), sample({ instance: 'b' }, 0)],
    });
    await assert.rejects(() => r.eval(0, q, 0), /same labelset after applying alert labels/);
  });

  it('enforces the group limit on active alerts', async () => {
    const r = rule();
    const q = scriptedQuery({ 'up == 0': () => [sample({ instance: 'a' }, 0), sample({ instance: 'b' }, 0)] });
    await assert.rejects(() => r.eval(0, q, 1), /exceeded limit of 1 with 2 alerts/);
    assert.equal(r.allAlerts().length, 0);
  });

  it('keeps its alerts when the query fails', async () => {
    const r = rule({ for: 0 });
    let fail = false;
    const q = scriptedQuery({ 'up == 0': () => (fail ? new Error('boom') : [sample({ instance: 'a' }, 0)]) });
    await r.eval(0, q, 0);
    fail = true;
    await assert.rejects(() => r.eval(MIN, q, 0), /boom/);
    assert.equal(r.allAlerts()[0].state, 'firing');
  });

  it('evaluates query_offset in the past and stamps ALERTS there', async () => {
    const r = rule({ for: 0 }, { externalLabels: {}, externalURL: '', queryOffset: 30_000 });
    const q = downWhile(() => true);
    const res = await r.eval(MIN, q, 0);
    assert.equal(q.calls[0].t, 30_000);
    assert.equal(res.samples[0].t, 30_000);
    assert.equal(r.allAlerts()[0].activeAt, MIN);
  });

  describe('restoring saved state', () => {
    const saved = (state: 'pending' | 'firing' | 'inactive', extra = {}) => ({
      labels: { alertname: 'InstanceDown', instance: 'a:1', job: 'node', severity: 'page' },
      annotations: { summary: 'old' }, value: 0, state, activeAt: 0, ...extra,
    });

    it('keeps pending progress, not counting the downtime', async () => {
      const r = rule({ for: 30 * MIN });
      r.restore({ alerts: [saved('pending')], downAt: 20 * MIN, outageTolerance: 60 * MIN, forGracePeriod: 5 * MIN, restoreHold: 0 });
      const q = downWhile(() => true);
      await r.eval(25 * MIN, q, 0); // 5 minutes down: activeAt moves 5 minutes later
      assert.equal(r.allAlerts()[0].activeAt, 5 * MIN);
      assert.equal(r.allAlerts()[0].state, 'pending');
      await r.eval(34 * MIN, q, 0);
      assert.equal(r.allAlerts()[0].state, 'pending');
      await r.eval(35 * MIN, q, 0);
      assert.equal(r.allAlerts()[0].state, 'firing', '20m before + 10m after the restart = for');
    });

    it('gives a nearly-due pending alert the grace period', async () => {
      const r = rule({ for: 10 * MIN });
      r.restore({ alerts: [saved('pending')], downAt: 9 * MIN, outageTolerance: 60 * MIN, forGracePeriod: 5 * MIN, restoreHold: 0 });
      await r.eval(12 * MIN, downWhile(() => true), 0);
      assert.equal(r.allAlerts()[0].activeAt, 12 * MIN + 5 * MIN - 10 * MIN);
    });

    it('keeps a firing alert firing with its original times, without re-sending early', async () => {
      const r = rule();
      r.restore({
        alerts: [saved('firing', { firedAt: 2 * MIN, lastSentAt: 9 * MIN + 30_000 })],
        downAt: 9 * MIN + 30_000, outageTolerance: 60 * MIN, forGracePeriod: 5 * MIN, restoreHold: 0,
      });
      const res = await r.eval(10 * MIN, downWhile(() => true), 0);
      const [a] = r.allAlerts();
      assert.equal(a.state, 'firing');
      assert.equal(a.activeAt, 0);
      assert.equal(a.firedAt, 2 * MIN);
      assert.deepEqual(res.transitions, [], 'no second firing transition after a restart');
      assert.deepEqual(r.sendAlerts(10 * MIN, MIN, MIN), []);
      assert.equal(r.sendAlerts(10 * MIN + 31_000, MIN, MIN).length, 1);
    });

    it('resolves a restored firing alert whose condition is gone', async () => {
      const r = rule();
      r.restore({ alerts: [saved('firing', { firedAt: 2 * MIN })], downAt: 5 * MIN, outageTolerance: 60 * MIN, forGracePeriod: 5 * MIN, restoreHold: 0 });
      const res = await r.eval(6 * MIN, downWhile(() => false), 0);
      assert.deepEqual(res.transitions.map((t) => t.to), ['resolved']);
      assert.equal(r.sendAlerts(6 * MIN, MIN, MIN)[0].resolvedAt, 6 * MIN);
    });

    it('holds a restored firing alert while the emptied store refills, then resolves it', async () => {
      const r = rule();
      r.restore({ alerts: [saved('firing', { firedAt: 2 * MIN })], downAt: 5 * MIN, outageTolerance: 60 * MIN, forGracePeriod: 5 * MIN, restoreHold: 2 * MIN });
      const absent = downWhile(() => false);
      assert.deepEqual((await r.eval(6 * MIN, absent, 0)).transitions, [], 'no data yet is not a resolution');
      assert.equal(r.allAlerts()[0].state, 'firing');
      assert.deepEqual((await r.eval(7 * MIN + 59_000, absent, 0)).transitions, []);
      assert.deepEqual((await r.eval(8 * MIN, absent, 0)).transitions.map((t) => t.to), ['resolved'], 'resolved once the hold is over');
    });

    it('a restored alert seen again in the data is no longer held', async () => {
      const r = rule();
      r.restore({ alerts: [saved('firing', { firedAt: 2 * MIN })], downAt: 5 * MIN, outageTolerance: 60 * MIN, forGracePeriod: 5 * MIN, restoreHold: 10 * MIN });
      await r.eval(6 * MIN, downWhile(() => true), 0);
      assert.deepEqual((await r.eval(7 * MIN, downWhile(() => false), 0)).transitions.map((t) => t.to), ['resolved']);
    });

    it('starts afresh after an outage longer than the tolerance', async () => {
      const r = rule();
      r.restore({ alerts: [saved('pending')], downAt: 0, outageTolerance: 60 * MIN, forGracePeriod: 5 * MIN, restoreHold: 0 });
      await r.eval(61 * MIN, downWhile(() => true), 0);
      assert.equal(r.allAlerts()[0].activeAt, 61 * MIN);
    });
  });
});
