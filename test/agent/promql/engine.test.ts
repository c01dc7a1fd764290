import assert from 'node:assert/strict';
import { MemoryStore } from '../../../agent/store/memory-store';
import { createEngine, MAX_POINTS_PER_SERIES } from '../../../agent/promql/engine';
import { matrixSeries, pointsOf, QueryError, type QueryValue } from '../../../agent/promql/types';
import type { Querier } from '../../../agent/store/types';


function values(v: QueryValue): [string, number][] {
  assert.equal(v.resultType, 'vector');
  return (v.result as { metric: Record<string, string>; value: number }[]).map((s) => [JSON.stringify(s.metric), s.value]);
}

function queryError(run: () => unknown): QueryError {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof QueryError, String(err));
    return err;
  }
  assert.fail('expected a QueryError');
}

describe('promql/engine', () => {
  describe('staleness and lookback', () => {
    const store = new MemoryStore();
    const labels = { __name__: 'g', job: 'a' };
    for (let i = 0; i <= 10; i++) store.append(labels, i * 15_000, i);
    store.markStale(labels, 160_000);
    store.append(labels, 400_000, 99);
    const engine = createEngine(store);

    it('returns the newest sample within the lookback', () => {
      assert.deepEqual(values(engine.instantQuery('g', 155_000)), [['{"__name__":"g","job":"a"}', 10]]);
    });

    it('hides a series from its staleness marker on, until its next sample', () => {
      assert.deepEqual(values(engine.instantQuery('g', 160_000)), []);
      assert.deepEqual(values(engine.instantQuery('g', 399_999)), []);
      assert.deepEqual(values(engine.instantQuery('g', 400_000)), [['{"__name__":"g","job":"a"}', 99]]);
    });

    it('ignores staleness markers inside range vectors', () => {
      assert.deepEqual(values(engine.instantQuery('count_over_time(g[10m])', 400_000)), [['{"job":"a"}', 12]]);
      assert.deepEqual(values(engine.instantQuery('last_over_time(g[2m])', 200_000)), [['{"__name__":"g","job":"a"}', 10]]);
    });

    it('a marker before the reference time still hides an older sample when queried with offset', () => {
      assert.deepEqual(values(engine.instantQuery('g offset 1m', 230_000)), []);
      assert.deepEqual(values(engine.instantQuery('g offset 1m', 215_000)), [['{"__name__":"g","job":"a"}', 10]]);
    });

    it('includes a sample exactly one lookback old (Prometheus 2.42 closed interval)', () => {
      const s = new MemoryStore();
      s.append({ __name__: 'x' }, 0, 1);
      const e = createEngine(s, { lookbackDeltaMs: 30_000 });
      assert.equal(values(e.instantQuery('x', 30_000)).length, 1);
      assert.equal(values(e.instantQuery('x', 30_001)).length, 0);
    });

    it('range queries show the gap the marker causes', () => {
      const r = engine.rangeQuery('g', 120_000, 420_000, 60_000);
      assert.equal(r.resultType, 'matrix');
      assert.deepEqual(r.result.map((s) => Array.from(s.t)), [[120_000, 400_000 + 20_000]]);
    });
  });

  describe('query shapes', () => {
    const store = new MemoryStore();
    for (let i = 0; i <= 100; i++) {
      store.append({ __name__: 'c', k: 'b' }, i * 10_000, i * 2);
      store.append({ __name__: 'c', k: 'a' }, i * 10_000, i);
    }
    const engine = createEngine(store);

    it('instant queries return scalars, strings and matrices with the query time or raw sample times', () => {
      assert.deepEqual(engine.instantQuery('1 + 1', 5000), { resultType: 'scalar', result: { t: 5000, value: 2 } });
      assert.deepEqual(engine.instantQuery('"x"', 5000), { resultType: 'string', result: { t: 5000, value: 'x' } });
      const m = engine.instantQuery('c{k="a"}[25s]', 100_000);
      assert.deepEqual(m, { resultType: 'matrix', result: [matrixSeries({ __name__: 'c', k: 'a' }, [{ t: 80_000, value: 8 }, { t: 90_000, value: 9 }, { t: 100_000, value: 10 }])] });
    });

    it('range queries return series sorted by labels, a point per step, scalars as an empty label set', () => {
      const r = engine.rangeQuery('c', 0, 20_000, 10_000);
      assert.equal(r.resultType, 'matrix');
      assert.deepEqual(r.result.map((s) => s.metric.k), ['a', 'b']);
      assert.deepEqual(pointsOf(r.result[1]), [{ t: 0, value: 0 }, { t: 10_000, value: 2 }, { t: 20_000, value: 4 }]);
      assert.deepEqual(engine.rangeQuery('time()', 0, 2000, 1000), { resultType: 'matrix', result: [matrixSeries({}, [{ t: 0, value: 0 }, { t: 1000, value: 1 }, { t: 2000, value: 2 }])] });
    });

    it('@ start() and @ end() pin to the range query bounds', () => {
      const points = (v: QueryValue): number[] => (v.resultType === 'matrix' ? Array.from(v.result[0].v) : []);
      assert.deepEqual(points(engine.rangeQuery('c{k="a"} @ end()', 100_000, 300_000, 100_000)), [30, 30, 30]);
      assert.deepEqual(points(engine.rangeQuery('c{k="a"} @ start() - c{k="a"}', 100_000, 300_000, 100_000)), [0, -10, -20]);
    });

    it('subqueries without a step use the default subquery step, aligned to its multiples', () => {
      const e = createEngine(store, { defaultSubqueryStepMs: 30_000 });
      assert.deepEqual(values(e.instantQuery('count_over_time(c{k="a"}[95s:])', 500_000)), [['{"k":"a"}', 3]]);
      assert.deepEqual(values(e.instantQuery('count_over_time(c{k="a"}[95s:10s])', 500_000)), [['{"k":"a"}', 10]]);
    });

    it('rejects range queries of range vectors and strings, bad steps and too many points', () => {
      assert.match(queryError(() => engine.rangeQuery('c[5m]', 0, 1, 1)).message, /invalid expression type "range vector" for range query/);
      assert.match(queryError(() => engine.rangeQuery('"s"', 0, 1, 1)).message, /invalid expression type "string"/);
      assert.match(queryError(() => engine.rangeQuery('c', 0, 1, 0)).message, /zero or negative query resolution step/);
      assert.match(queryError(() => engine.rangeQuery('c', 10, 1, 1)).message, /end timestamp must not be before start time/);
      assert.match(queryError(() => engine.rangeQuery('c', 0, MAX_POINTS_PER_SERIES + 1, 1)).message, /exceeded maximum resolution of 11,000 points/);
    });

    it('reports parse problems as bad_data and evaluation problems as execution errors', () => {
      assert.equal(queryError(() => engine.instantQuery('sum(', 0)).errorType, 'bad_data');
      const dup = queryError(() => engine.instantQuery('c + on () c', 100_000));
      assert.equal(dup.errorType, 'execution');
      assert.match(dup.message, /^found duplicate series for the match group \{\} on the right hand-side of the operation: \[\{__name__="c", k="[ab]"\}, \{__name__="c", k="[ab]"\}\];many-to-many matching not allowed: matching labels must be unique on one side$/);
      assert.equal(queryError(() => engine.instantQuery('label_replace(c, "x", "", "k", "(")', 0)).errorType, 'execution');
      assert.equal(queryError(() => engine.instantQuery('label_replace(c, "k", "z", "k", ".*")', 100_000)).message, 'vector cannot contain metrics with the same labelset');
    });

    it('refuses queries that would fetch more than maxSamples', () => {
      const e = createEngine(store, { maxSamples: 70 });
      assert.match(queryError(() => e.instantQuery('count_over_time(c[1h])', 1_000_000)).message, /too many samples/);
      assert.doesNotThrow(() => e.instantQuery('c', 1_000_000));
    });

    it('uses the clock for a non-finite instant query time', () => {
      const e = createEngine(store, { now: () => 100_000 });
      assert.deepEqual(e.instantQuery('time()', NaN), { resultType: 'scalar', result: { t: 100_000, value: 100 } });
    });

    it('selects each selector once per query, over the whole time span the query needs', () => {
      const calls: [number, number][] = [];
      const spy: Querier = {
        select: (m, mint, maxt) => { calls.push([mint, maxt]); return store.select(m, mint, maxt); },
        labelNames: () => [],
        labelValues: () => [],
      };
      const e = createEngine(spy);
      e.rangeQuery('max_over_time(rate(c[1m])[5m:30s] offset 2m)', 600_000, 900_000, 15_000);
      assert.deepEqual(calls, [[600_000 - 120_000 - 300_000 - 60_000, 900_000 - 120_000]]);
    });
  });
});
