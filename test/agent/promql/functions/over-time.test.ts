import assert from 'node:assert/strict';
import * as ot from '../../../../agent/promql/functions/over-time';
import type { Window } from '../../../../agent/promql/functions/window';

const w = (v: number[]): Window => ({ t: v.map((_, i) => i * 1000), v, lo: 0, hi: v.length, rangeStart: 0, rangeEnd: 0, rangeMs: 1, evalTs: 0 });

describe('promql/functions/over-time', () => {
  it('sums with compensation (1e100 + 1 - 1e100 = 1)', () => {
    assert.equal(ot.sumOverTime(w([1e100, 1, -1e100])), 1);
    assert.equal(ot.sumOverTime(w([Infinity, 1])), Infinity);
  });

  it('averages with infinities as Prometheus does', () => {
    assert.equal(ot.avgOverTime(w([1, 2, 3, 4])), 2.5);
    assert.equal(ot.avgOverTime(w([Infinity, 1])), Infinity);
    assert.equal(ot.avgOverTime(w([Infinity, Infinity])), Infinity);
    assert.ok(Number.isNaN(ot.avgOverTime(w([Infinity, -Infinity]))));
    assert.ok(Number.isNaN(ot.avgOverTime(w([1, NaN]))));
  });

  it('min/max skip a leading NaN but keep NaN when nothing else exists', () => {
    assert.equal(ot.maxOverTime(w([NaN, 3, 1])), 3);
    assert.equal(ot.minOverTime(w([NaN, 3, 1])), 1);
    assert.ok(Number.isNaN(ot.maxOverTime(w([NaN]))));
  });

  it('variance, deviation, count, last, present, quantile', () => {
    assert.equal(ot.stdvarOverTime(w([2, 4, 4, 4, 5, 5, 7, 9])), 4);
    assert.equal(ot.stddevOverTime(w([2, 4, 4, 4, 5, 5, 7, 9])), 2);
    assert.equal(ot.countOverTime(w([5, 5, 5])), 3);
    assert.equal(ot.lastOverTime(w([1, 2, 3])), 3);
    assert.equal(ot.presentOverTime(), 1);
    assert.equal(ot.quantileOverTime(w([4, 1, 3, 2]), 0.5), 2.5);
  });
});
