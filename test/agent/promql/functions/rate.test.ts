import assert from 'node:assert/strict';
import { changes, deriv, extrapolatedRate, holtWinters, instantValue, predictLinear, resets } from '../../../../agent/promql/functions/rate';
import type { Window } from '../../../../agent/promql/functions/window';

/** Points at the given seconds, a window [endS - rangeS, endS]. */
function win(points: [number, number][], endS: number, rangeS: number, evalS = endS): Window {
  return {
    t: points.map(([s]) => s * 1000), v: points.map(([, v]) => v), lo: 0, hi: points.length,
    rangeStart: (endS - rangeS) * 1000, rangeEnd: endS * 1000, rangeMs: rangeS * 1000, evalTs: evalS * 1000,
  };
}

const close = (a: number | undefined, b: number): void => assert.ok(a !== undefined && Math.abs(a - b) < 1e-12, `${a} != ${b}`);

describe('promql/functions/rate', () => {
  it('needs two points', () => {
    assert.equal(extrapolatedRate(win([[10, 1]], 300, 300), true, true), undefined);
    assert.equal(instantValue(win([[10, 1]], 300, 300), true), undefined);
    assert.equal(deriv(win([[10, 1]], 300, 300)), undefined);
  });

  it('does not extrapolate when the samples sit on the window edges', () => {
    const pts = Array.from({ length: 11 }, (_, i): [number, number] => [i * 300, i * 10]);
    close(extrapolatedRate(win(pts, 3000, 3000), true, false), 100);
    close(extrapolatedRate(win(pts, 3000, 3000), true, true), 100 / 3000);
  });

  it('adds the value before a counter reset', () => {
    const v = [0, 10, 20, 30, 40, 50, 0, 10, 20, 30, 40];
    close(extrapolatedRate(win(v.map((x, i) => [i * 300, x]), 3000, 3000), true, false), 90);
    close(extrapolatedRate(win(v.map((x, i) => [i * 300, x]), 3000, 3000), false, false), 40);
  });

  it('extrapolates to the window edges when the gap is under 1.1 average intervals', () => {
    close(extrapolatedRate(win([[60, 10], [120, 20], [180, 30], [240, 40]], 300, 300), true, false), 50);
    close(extrapolatedRate(win([[60, 10], [120, 20], [180, 30], [240, 40]], 300, 300), true, true), 50 / 300);
  });

  it('never extrapolates a counter below zero', () => {
    close(extrapolatedRate(win([[60, 5], [120, 15], [180, 25], [240, 35]], 300, 300), true, false), 30 * (180 + 30 + 60) / 180);
  });

  it('extrapolates only half an interval when the gap to the edge is larger', () => {
    close(extrapolatedRate(win([[100, 10], [160, 20], [220, 30]], 300, 300), false, false), 30);
    // As a counter, the zero point (60 s before the first sample) is closer than the window start.
    close(extrapolatedRate(win([[100, 10], [160, 20], [220, 30]], 300, 300), true, false), 35);
    close(extrapolatedRate(win([[100, 10], [160, 5], [220, 0]], 300, 300), false, false), -15);
  });

  it('irate and idelta use the last two points; irate treats a drop as a reset', () => {
    close(instantValue(win([[0, 5], [10, 20], [20, 4]], 30, 30), true), 0.4);
    close(instantValue(win([[0, 5], [10, 20], [20, 4]], 30, 30), false), -16);
    close(instantValue(win([[0, 5], [10, 20], [20, 30]], 30, 30), true), 1);
  });

  it('deriv and predict_linear fit a least-squares line', () => {
    const line = win([[100, 201], [110, 221], [120, 241], [130, 261]], 130, 60, 200);
    close(deriv(line), 2);
    close(predictLinear(line, 0), 401);
    close(predictLinear(line, 10), 421);
    close(deriv(win([[0, 3], [10, 3]], 10, 10)), 0);
    assert.ok(Number.isNaN(deriv(win([[0, Infinity], [10, Infinity]], 10, 10))!));
  });

  it('counts resets and changes (NaN to NaN is no change)', () => {
    assert.equal(resets(win([[0, 1], [1, 0], [2, 5], [3, 2], [4, 2]], 4, 4)), 2);
    assert.equal(changes(win([[0, 1], [1, 1], [2, NaN], [3, NaN], [4, 2]], 4, 4)), 2);
  });

  it('holt_winters smooths with the given factors and validates them', () => {
    close(holtWinters(win([[0, 1], [1, 2], [2, 3]], 2, 2), 0.5, 0.5), 3);
    assert.throws(() => holtWinters(win([[0, 1], [1, 2]], 2, 2), 1, 0.5), /invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000/);
    assert.throws(() => holtWinters(win([[0, 1], [1, 2]], 2, 2), 0.5, 0), /invalid trend factor/);
  });
});
