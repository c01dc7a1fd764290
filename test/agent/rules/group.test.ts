import assert from 'node:assert/strict';
import type { SentAlert } from '../../../agent/rules/alert';
import { Group } from '../../../agent/rules/group';
import type { RuleGroupSpec } from '../../../agent/rules/rulefmt';
import { MIN, RecordingAppender, sample, scriptedQuery } from './fakes';

const opts = { interval: MIN, externalLabels: {}, externalURL: '', resendDelay: MIN };

function spec(over: Partial<RuleGroupSpec> = {}): RuleGroupSpec {
  return {
    file: '/etc/rules/a.yaml', name: 'api', limit: 0, queryOffset: 0,
    rules: [
      { kind: 'record', name: 'job:requests:rate5m', expr: 'sum by (job) (rate(requests_total[5m]))', for: 0, keepFiringFor: 0, labels: { source: 'rule' }, annotations: {} },
      { kind: 'alert', name: 'TooMany', expr: 'job:requests:rate5m > 10', for: 0, keepFiringFor: 0, labels: {}, annotations: {} },
    ],
    ...over,
  };
}

describe('rule group evaluation', () => {
  it('records results under the rule name with its labels, at the evaluation time', async () => {
    const g = new Group(spec(), opts);
    const q = scriptedQuery({
      'sum by (job) (rate(requests_total[5m]))': () => [sample({ job: 'api' }, 12), sample({ job: 'web' }, 3)],
      'job:requests:rate5m > 10': () => [sample({ __name__: 'job:requests:rate5m', job: 'api', source: 'rule' }, 12)],
    });
    const app = new RecordingAppender();
    const sent: SentAlert[][] = [];
    await g.eval(5 * MIN, { query: q, appender: app, notify: (a) => sent.push(a) });
    assert.deepEqual(app.at(5 * MIN).slice(0, 2), [
      { labels: { job: 'api', __name__: 'job:requests:rate5m', source: 'rule' }, t: 5 * MIN, v: 12 },
      { labels: { job: 'web', __name__: 'job:requests:rate5m', source: 'rule' }, t: 5 * MIN, v: 3 },
    ]);
    // ALERTS and ALERTS_FOR_STATE go to the store too.
    const alerts = app.appended.filter((a) => a.labels.__name__ === 'ALERTS');
    assert.deepEqual(alerts.map((a) => a.labels), [{ alertname: 'TooMany', job: 'api', source: 'rule', __name__: 'ALERTS', alertstate: 'firing' }]);
    assert.equal(app.appended.find((a) => a.labels.__name__ === 'ALERTS_FOR_STATE')!.v, 300);
    assert.equal(sent.length, 1);
    assert.equal(sent[0][0].labels.alertname, 'TooMany');
    for (const r of g.rules) assert.equal(r.health, 'ok');
    assert.equal(g.lastEvaluation, 5 * MIN);
  });

  it('marks series stale when a rule stops producing them', async () => {
    const g = new Group(spec({ rules: [spec().rules[0]] }), opts);
    let jobs = ['api', 'web'];
    const q = scriptedQuery({ 'sum by (job) (rate(requests_total[5m]))': () => jobs.map((j) => sample({ job: j }, 1)) });
    const app = new RecordingAppender();
    await g.eval(0, { query: q, appender: app, notify: () => {} });
    jobs = ['api'];
    await g.eval(MIN, { query: q, appender: app, notify: () => {} });
    assert.deepEqual(app.stale, [{ labels: { job: 'web', __name__: 'job:requests:rate5m', source: 'rule' }, t: MIN }]);
    jobs = [];
    await g.eval(2 * MIN, { query: q, appender: app, notify: () => {} });
    assert.equal(app.stale.length, 2);
  });

  it('records a failing rule as unhealthy, keeps going with the next rule', async () => {
    const g = new Group(spec(), opts);
    const q = scriptedQuery({
      'sum by (job) (rate(requests_total[5m]))': () => new Error('expected type range vector in call to function "rate"'),
      'job:requests:rate5m > 10': () => [],
    });
    await g.eval(0, { query: q, notify: () => {} });
    assert.equal(g.rules[0].health, 'err');
    assert.match(g.rules[0].lastError!, /range vector/);
    assert.equal(g.rules[1].health, 'ok');
    await g.eval(MIN, { query: scriptedQuery({ 'sum by (job) (rate(requests_total[5m]))': () => [], 'job:requests:rate5m > 10': () => [] }), notify: () => {} });
    assert.equal(g.rules[0].health, 'ok');
    assert.equal(g.rules[0].lastError, undefined);
  });

  it('rejects a recording result that duplicates a series after relabelling', async () => {
    const g = new Group(spec({ rules: [{ ...spec().rules[0], labels: { job: 'all' } }] }), opts);
    const q = scriptedQuery({ 'sum by (job) (rate(requests_total[5m]))': () => [sample({ job: 'a' }, 1), sample({ job: 'b' }, 1)] });
    await g.eval(0, { query: q, notify: () => {} });
    assert.match(g.rules[0].lastError!, /same labelset after applying rule labels/);
  });

  it('applies the group limit to recording rules', async () => {
    const g = new Group(spec({ limit: 1, rules: [spec().rules[0]] }), opts);
    const q = scriptedQuery({ 'sum by (job) (rate(requests_total[5m]))': () => [sample({ job: 'a' }, 1), sample({ job: 'b' }, 1)] });
    await g.eval(0, { query: q, notify: () => {} });
    assert.equal(g.rules[0].lastError, 'exceeded limit of 1 with 2 series');
  });

  it('reports samples the store refuses without failing the rule', async () => {
    const g = new Group(spec({ rules: [spec().rules[0]] }), opts);
    const app = new RecordingAppender();
    app.refuse = true;
    const refused: string[] = [];
    await g.eval(0, {
      query: scriptedQuery({ 'sum by (job) (rate(requests_total[5m]))': () => [sample({ job: 'a' }, 1)] }),
      appender: app, notify: () => {}, onRefused: (r) => refused.push(r.name),
    });
    assert.deepEqual(refused, ['job:requests:rate5m']);
    assert.equal(g.rules[0].health, 'ok');
  });

  it('picks a stable evaluation slot per group within the interval', async () => {
    const a = new Group(spec(), opts);
    const b = new Group(spec({ name: 'other' }), opts);
    const now = 1_700_000_000_123;
    const ta = a.evalTimestamp(now);
    assert.ok(ta <= now && now - ta < MIN);
    assert.equal(a.evalTimestamp(now + MIN), ta + MIN, 'same slot one interval later');
    assert.equal(new Group(spec(), opts).evalTimestamp(now), ta, 'same group, same slot');
    assert.notEqual(b.evalTimestamp(now) % MIN, ta % MIN);
  });

  it('uses the group interval when set, else the global one', async () => {
    assert.equal(new Group(spec({ interval: 30_000 }), opts).interval, 30_000);
    assert.equal(new Group(spec(), opts).interval, MIN);
  });
});
