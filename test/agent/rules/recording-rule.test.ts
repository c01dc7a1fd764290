import assert from 'node:assert/strict';
import { createEngine } from '../../../agent/promql';
import { engineQueryFunc } from '../../../agent/rules/query-func';
import { Group } from '../../../agent/rules/group';
import { MemoryStore } from '../../../agent/store';
import { MIN } from './fakes';

/** Recording rules and ALERTS written into the real store, read back with the real engine. */
describe('recording rules into the store', () => {
  const T0 = 1_700_000_000_000;

  function setup() {
    const store = new MemoryStore({ now: () => T0 + 60 * MIN });
    const engine = createEngine(store);
    const query = engineQueryFunc(engine);
    const group = new Group({
      file: 'r.yaml', name: 'g', limit: 0, queryOffset: 0,
      rules: [
        { kind: 'record', name: 'job:requests:rate1m', expr: 'sum by (job) (rate(requests_total[1m]))', for: 0, keepFiringFor: 0, labels: { source: 'rule' }, annotations: {} },
        { kind: 'record', name: 'job:requests:rate1m_x2', expr: 'job:requests:rate1m * 2', for: 0, keepFiringFor: 0, labels: {}, annotations: {} },
        { kind: 'alert', name: 'Busy', expr: 'job:requests:rate1m_x2 > 1', for: MIN, keepFiringFor: 0, labels: {}, annotations: { v: '{{ $value }}' } },
      ],
    }, { interval: MIN, externalLabels: {}, externalURL: '', resendDelay: MIN });
    return { store, engine, query, group };
  }

  it('appends results that later rules and queries read', async () => {
    const { store, engine, query, group } = setup();
    for (let i = 0; i <= 5; i++) {
      store.append({ __name__: 'requests_total', job: 'api', instance: 'a' }, T0 + i * MIN, i * 90);
      await group.eval(T0 + i * MIN, { query, appender: store, notify: () => {} });
    }
    for (const r of group.rules) assert.equal(r.health, 'ok', `${r.name}: ${r.lastError}`);
    const v = engine.instantQuery('job:requests:rate1m', T0 + 5 * MIN);
    assert.deepEqual(v, { resultType: 'vector', result: [{ metric: { __name__: 'job:requests:rate1m', job: 'api', source: 'rule' }, t: T0 + 5 * MIN, value: 1.5 }] });
    const x2 = engine.instantQuery('job:requests:rate1m_x2', T0 + 5 * MIN);
    assert.equal(x2.resultType === 'vector' && x2.result[0].value, 3, 'the second rule read the first one\'s output in the same evaluation');
    const alerts = engine.instantQuery('ALERTS', T0 + 5 * MIN);
    assert.deepEqual(alerts.resultType === 'vector' && alerts.result.map((s) => s.metric), [
      { __name__: 'ALERTS', alertname: 'Busy', alertstate: 'firing', job: 'api', source: 'rule' },
    ]);
    const forState = engine.instantQuery('ALERTS_FOR_STATE', T0 + 5 * MIN);
    assert.equal(forState.resultType === 'vector' && forState.result[0].value, (T0 + MIN) / 1000);
  });

  it('marks vanished series stale so they disappear at once, not after the lookback', async () => {
    const { store, engine, query, group } = setup();
    for (let i = 0; i <= 3; i++) {
      store.append({ __name__: 'requests_total', job: 'api', instance: 'a' }, T0 + i * MIN, i * 90);
      await group.eval(T0 + i * MIN, { query, appender: store, notify: () => {} });
    }
    const before = engine.instantQuery('job:requests:rate1m', T0 + 3 * MIN + 30_000);
    assert.equal(before.resultType === 'vector' && before.result.length, 1);
    // The source stops: at 4m its rate has one sample in [3m, 4m], no result, so the rule produces nothing.
    await group.eval(T0 + 4 * MIN, { query, appender: store, notify: () => {} });
    for (const expr of ['job:requests:rate1m', 'job:requests:rate1m_x2']) {
      const v = engine.instantQuery(expr, T0 + 4 * MIN + 30_000);
      assert.deepEqual(v.resultType === 'vector' && v.result, [], `${expr} is stale at once (no 5-minute lookback)`);
    }
    // The alert resolves at 4m too: its ALERTS series goes stale.
    const alerts = engine.instantQuery('ALERTS', T0 + 4 * MIN + 30_000);
    assert.deepEqual(alerts.resultType === 'vector' && alerts.result, []);
  });
});
