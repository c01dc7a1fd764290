import assert from 'node:assert/strict';
import { groupAlerts, labelsKey, mergeAlerts, parseGroupBy, type AmAlert, type RuleAlert } from '../../../agent/ui/lib/alerts';

const am = (labels: Record<string, string>, extra: Partial<AmAlert['status']> = {}, startsAt = '2026-12-02T09:00:00Z'): AmAlert => ({
  labels, annotations: { summary: 's' }, startsAt, receivers: [{ name: 'oncall' }],
  status: { state: extra.silencedBy?.length || extra.inhibitedBy?.length ? 'suppressed' : 'active', silencedBy: [], inhibitedBy: [], ...extra },
});

describe('ui/alerts', () => {
  it('merges the notifier view (firing, silenced, inhibited) with pending rule alerts, notifier first', () => {
    const rules: RuleAlert[] = [
      { labels: { alertname: 'A', svc: 'x' }, annotations: {}, state: 'firing', activeAt: '2026-12-02T08:59:00Z' },
      { labels: { alertname: 'B' }, annotations: {}, state: 'pending', activeAt: '2026-12-02T09:05:00Z' },
      { labels: { alertname: 'C' }, annotations: {}, state: 'inactive' },
      { labels: { alertname: 'D' }, annotations: {}, state: 'firing', activeAt: '2026-12-02T09:06:00Z' },
    ];
    const merged = mergeAlerts([am({ alertname: 'A', svc: 'x' }), am({ alertname: 'A', svc: 'y' }, { silencedBy: ['s1'] }), am({ alertname: 'E' }, { inhibitedBy: ['f'] })], rules);
    const byKey = new Map(merged.map((a) => [labelsKey(a.labels), a]));
    assert.equal(merged.length, 5, 'A/x once, A/y, E, B pending, D firing not yet at the notifier; C inactive dropped');
    assert.equal(byKey.get(labelsKey({ alertname: 'A', svc: 'x' }))!.receivers[0], 'oncall', 'the notifier entry wins');
    assert.equal(byKey.get(labelsKey({ alertname: 'A', svc: 'y' }))!.state, 'silenced');
    assert.deepEqual(byKey.get(labelsKey({ alertname: 'A', svc: 'y' }))!.silencedBy, ['s1']);
    assert.equal(byKey.get(labelsKey({ alertname: 'E' }))!.state, 'inhibited');
    assert.equal(byKey.get(labelsKey({ alertname: 'B' }))!.state, 'pending');
    assert.equal(byKey.get(labelsKey({ alertname: 'B' }))!.since, Date.parse('2026-12-02T09:05:00Z'));
    assert.equal(byKey.get(labelsKey({ alertname: 'D' }))!.state, 'firing');
  });

  it('groups by label names, firing groups first, alerts by state then age', () => {
    const alerts = mergeAlerts([
      am({ alertname: 'Quiet', svc: 'a' }, { silencedBy: ['s'] }),
      am({ alertname: 'Loud', svc: 'b' }, {}, '2026-12-02T09:10:00Z'),
      am({ alertname: 'Loud', svc: 'a' }, {}, '2026-12-02T09:00:00Z'),
      am({ alertname: 'Loud', svc: 'c' }, { silencedBy: ['s'] }, '2026-12-02T08:00:00Z'),
    ], [{ labels: { alertname: 'Quiet', svc: 'p' }, annotations: {}, state: 'pending', activeAt: '2026-12-02T09:00:00Z' }]);
    const groups = groupAlerts(alerts, ['alertname']);
    assert.deepEqual(groups.map((g) => g.labels.alertname), ['Loud', 'Quiet']);
    assert.deepEqual(groups[0].alerts.map((a) => a.labels.svc), ['a', 'b', 'c']);
    assert.deepEqual(groups[0].counts, { firing: 2, pending: 0, silenced: 1, inhibited: 0 });
    assert.deepEqual(groups[1].alerts.map((a) => a.state), ['pending', 'silenced']);
    const bySvc = groupAlerts(alerts, ['svc', 'missing']);
    assert.deepEqual(bySvc.map((g) => g.labels), [{ svc: 'a' }, { svc: 'b' }, { svc: 'c' }, { svc: 'p' }]);
    assert.equal(groupAlerts(alerts, []).length, 1, 'no labels: one group');
  });

  it('parses the group-by field, dropping blanks and invalid names', () => {
    assert.deepEqual(parseGroupBy(' alertname, service_name ,,bad-name'), ['alertname', 'service_name']);
    assert.deepEqual(parseGroupBy(''), []);
  });
});
