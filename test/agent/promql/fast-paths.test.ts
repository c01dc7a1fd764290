/**
 * The fast paths of the evaluator (window cursors carried across steps,
 * range functions straight over selectors, aggregations fused with their
 * selector, reset-free counters) must give exactly what the general path
 * gives: each query is compared, bit for bit, with a variant the fast paths
 * do not take (`* 1` puts a binary operation in between) and, for range
 * queries, with instant queries at every step (binary search, no cursors).
 */
import assert from 'node:assert/strict';
import { MemoryStore } from '../../../agent/store/memory-store';
import { createEngine } from '../../../agent/promql/engine';
import { pointsOf, type QueryValue } from '../../../agent/promql/types';
import { GroupedAccumulator } from '../../../agent/promql/fused-aggregate';
import { aggregate } from '../../../agent/promql/aggregate';
import { WindowCursors } from '../../../agent/promql/cursors';
import { lowerBound, upperBound } from '../../../agent/store/mem-series';
import { prng } from '../../compat/prometheus/dataset';

const T0 = 1_700_000_000_000;

/** Counters (some with resets, NaN, gaps, stale markers) and gauges (negative, infinite) over one hour. */
function fixture(): MemoryStore {
  const store = new MemoryStore({ now: () => T0 + 3600_000 });
  const rnd = prng(42);
  for (let s = 0; s < 40; s++) {
    const labels = { __name__: s % 4 === 3 ? 'g' : 'c_total', job: `j${s % 3}`, inst: `i${s}`, code: s % 2 ? '500' : '200' };
    let v = Math.floor(rnd() * 100);
    for (let t = T0 + (s % 5) * 1000; t <= T0 + 3600_000; t += 15_000 + (s % 3) * 5000) {
      if (s % 7 === 2 && t > T0 + 1200_000 && t < T0 + 1800_000) continue; // a gap beyond the lookback
      if (labels.__name__ === 'g') v = (rnd() - 0.5) * 100 * (s === 7 && rnd() < 0.05 ? Infinity : 1);
      else if (s % 5 === 1 && rnd() < 0.03) v = Math.floor(rnd() * 3); // reset
      else v += Math.floor(rnd() * 10);
      store.append(labels, t, s === 11 && rnd() < 0.02 ? NaN : v);
      if (s === 13 && t > T0 + 2400_000 && t < T0 + 2420_000) store.markStale(labels, t + 1000);
    }
  }
  return store;
}

function normalized(v: QueryValue): unknown {
  if (v.resultType === 'vector') return v.result.map((s) => [JSON.stringify(s.metric), Object.is(s.value, -0) ? 0 : s.value]).sort();
  if (v.resultType === 'matrix') return v.result.map((s) => [JSON.stringify(s.metric), pointsOf(s).map((p) => [p.t, p.value])]).sort();
  return v;
}

describe('promql fast paths', () => {
  const engine = createEngine(fixture());
  // [aggregation with grouping, its argument]
  const fused: [string, string][] = [
    ['sum by (job)', 'rate(c_total[5m])'], ['avg by (code)', 'increase(c_total[10m])'], ['max', 'rate(c_total[1m])'],
    ['min without (inst)', 'delta(g[5m])'], ['count by (job)', 'c_total'], ['group by (code)', 'g'], ['sum', 'g'], ['avg', 'g'],
    ['sum by (job)', 'max_over_time(g[3m])'], ['count', 'count_over_time(c_total[2m])'], ['sum by (__name__)', 'rate(c_total[5m])'], ['max by (inst)', 'c_total'],
    ['sum by (job)', 'rate(c_total[5m] offset 10m)'], ['avg without (code)', 'irate(c_total[1m])'],
  ];

  for (const [op, arg] of fused) {
    const q = `${op} (${arg})`;
    const slow = `${op} (${arg} * 1)`;
    it(`${q} equals its general-path form, instant and range`, () => {
      for (const t of [T0 + 600_000, T0 + 1500_000, T0 + 2410_000, T0 + 3600_000]) {
        const fast = normalized(engine.instantQuery(q, t));
        assert.deepEqual(fast, normalized(engine.instantQuery(slow, t)), `at ${t}`);
      }
      const range = engine.rangeQuery(q, T0, T0 + 3600_000, 15_000);
      assert.ok(range.resultType === 'matrix' && range.result.length > 0);
      assert.deepEqual(normalized(range), normalized(engine.rangeQuery(slow, T0, T0 + 3600_000, 15_000)));
    });
  }

  // Subqueries whose inner expression is evaluated series by series, against the step-by-step form (`* 1` defeats it).
  const subqueries: [string, string][] = [
    ['max_over_time(sum by (job) (rate(c_total[5m]))[10m:1m])', 'max_over_time((sum by (job) (rate(c_total[5m])) * 1)[10m:1m])'],
    ['avg_over_time(rate(c_total[5m])[10m:1m])', 'avg_over_time((rate(c_total[5m]) * 1)[10m:1m])'],
    ['min_over_time(g[10m:30s] offset 2m)', 'min_over_time((g * 1)[10m:30s] offset 2m)'],
    ['rate(count by (code) (c_total)[20m:1m])', 'rate((count by (code) (c_total) * 1)[20m:1m])'],
  ];
  for (const [q, slow] of subqueries) {
    it(`${q} equals its step-by-step form, instant and range`, () => {
      for (const t of [T0 + 600_000, T0 + 2410_000, T0 + 3600_000]) {
        const fast = normalized(engine.instantQuery(q, t));
        assert.deepEqual(fast, normalized(engine.instantQuery(slow, t)), `at ${t}`);
      }
      const range = engine.rangeQuery(q, T0, T0 + 3600_000, 45_000);
      assert.ok(range.resultType === 'matrix' && range.result.length > 0);
      assert.deepEqual(normalized(range), normalized(engine.rangeQuery(slow, T0, T0 + 3600_000, 45_000)));
    });
  }

  const stepped = ['rate(c_total[5m])', 'c_total', 'g offset 1m', 'resets(c_total[20m])', 'max_over_time(rate(c_total[2m])[10m:1m])', 'increase(c_total[1h])'];
  for (const q of stepped) {
    it(`range query of ${q} equals instant queries at every step (cursors vs binary search)`, () => {
      for (const step of [15_000, 60_000, 7 * 60_000]) {
        const range = engine.rangeQuery(q, T0 + 60_000, T0 + 3600_000, step);
        assert.equal(range.resultType, 'matrix');
        const byStep = new Map<string, [number, number][]>();
        for (let t = T0 + 60_000; t <= T0 + 3600_000; t += step) {
          const v = engine.instantQuery(q, t);
          assert.equal(v.resultType, 'vector');
          for (const s of v.result) {
            const metric = JSON.stringify(s.metric);
            if (!byStep.has(metric)) byStep.set(metric, []);
            byStep.get(metric)!.push([t, s.value]);
          }
        }
        const fromRange = new Map(range.result.map((s) => [JSON.stringify(s.metric), pointsOf(s).map((p) => [p.t, p.value] as [number, number])]));
        assert.ok(fromRange.size > 0);
        assert.deepEqual(fromRange, byStep, `step ${step}`);
      }
    });
  }

  it('cursors agree with binary search whichever way the window moves', () => {
    const rnd = prng(7);
    const t = Float64Array.from({ length: 500 }, (_, i) => i * 10 + Math.floor(rnd() * 5));
    const cur = new WindowCursors(1);
    let start = -50;
    for (let k = 0; k < 2000; k++) {
      // Mostly forward by small or large steps, now and then backwards.
      start += rnd() < 0.1 ? -Math.floor(rnd() * 800) : Math.floor(rnd() * (rnd() < 0.2 ? 400 : 20));
      const end = start + Math.floor(rnd() * 300);
      cur.begin(start, end);
      const lo = cur.first(0, t);
      assert.equal(lo, lowerBound(t, start));
      assert.equal(cur.after(0, t, lo), upperBound(t, end, lo));
    }
  });

  it('the grouped accumulator gives aggregate()s results in its order, NaN and infinities included', () => {
    const rnd = prng(3);
    const metrics = Array.from({ length: 60 }, (_, i) => ({ job: `j${i % 4}`, inst: `i${i}`, code: i % 3 ? '200' : '500' }));
    for (const op of ['sum', 'avg', 'min', 'max', 'count', 'group'] as const) {
      for (const [grouping, without] of [[['job'], false], [['inst'], true], [[], false]] as [string[], boolean][]) {
        const acc = new GroupedAccumulator(op, grouping, without, metrics);
        for (let round = 0; round < 5; round++) {
          acc.begin();
          const vec = [];
          for (let i = 0; i < metrics.length; i++) {
            if (rnd() < 0.3) continue;
            const r = rnd();
            const v = r < 0.05 ? NaN : r < 0.1 ? Infinity : r < 0.15 ? -Infinity : (rnd() - 0.5) * 1e6;
            acc.add(i, v);
            vec.push({ metric: metrics[i], value: v });
          }
          assert.deepEqual(acc.result(), aggregate(op, grouping, without, undefined, vec), `${op} ${without ? 'without' : 'by'} (${grouping})`);
        }
      }
    }
  });
});
