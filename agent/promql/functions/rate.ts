/**
 * rate, increase, delta (with Prometheus 2.42's extrapolation to the window
 * edges), irate, idelta, deriv, predict_linear, resets, changes, holt_winters.
 */
import { kahanSumInc, type Window } from './window';

/**
 * Prometheus' extrapolatedRate: the change over the window, corrected for
 * counter resets, extrapolated towards the window edges (at most half an
 * average sample interval beyond the outermost samples, never below zero
 * for counters), per second when isRate.
 */
export function extrapolatedRate(w: Window, isCounter: boolean, isRate: boolean): number | undefined {
  const n = w.hi - w.lo;
  if (n < 2) return undefined;
  const first = w.v[w.lo];
  const firstT = w.t[w.lo];
  const lastT = w.t[w.hi - 1];
  let result = w.v[w.hi - 1] - first;
  if (isCounter && !w.monotonic) {
    let prev = first;
    for (let i = w.lo + 1; i < w.hi; i++) {
      const cur = w.v[i];
      if (cur < prev) result += prev;
      prev = cur;
    }
  }
  let durationToStart = (firstT - w.rangeStart) / 1000;
  const durationToEnd = (w.rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (n - 1);
  if (isCounter && result > 0 && first >= 0) {
    // A counter cannot go below zero: do not extrapolate past the point where it would have been zero.
    const durationToZero = sampledInterval * (first / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  let extrapolateToInterval = sampledInterval;
  extrapolateToInterval += durationToStart < extrapolationThreshold ? durationToStart : averageDurationBetweenSamples / 2;
  extrapolateToInterval += durationToEnd < extrapolationThreshold ? durationToEnd : averageDurationBetweenSamples / 2;
  let factor = extrapolateToInterval / sampledInterval;
  if (isRate) factor /= w.rangeMs / 1000;
  return result * factor;
}

/** irate/idelta: from the last two points only. */
export function instantValue(w: Window, isRate: boolean): number | undefined {
  if (w.hi - w.lo < 2) return undefined;
  const last = w.v[w.hi - 1];
  const prev = w.v[w.hi - 2];
  let result = isRate && last < prev ? last : last - prev;
  const sampledInterval = w.t[w.hi - 1] - w.t[w.hi - 2];
  if (sampledInterval === 0) return undefined;
  if (isRate) result /= sampledInterval / 1000;
  return result;
}

/** Least-squares fit of the window's points, x in seconds relative to interceptTime: [slope, intercept]. */
export function linearRegression(w: Window, interceptTime: number): [number, number] {
  let n = 0;
  let sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
  const initY = w.v[w.lo];
  let constY = true;
  for (let i = w.lo; i < w.hi; i++) {
    const y = w.v[i];
    if (constY && i > w.lo && y !== initY) constY = false;
    n += 1;
    const x = (w.t[i] - interceptTime) / 1e3;
    [sumX, cX] = kahanSumInc(x, sumX, cX);
    [sumY, cY] = kahanSumInc(y, sumY, cY);
    [sumXY, cXY] = kahanSumInc(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanSumInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

export function deriv(w: Window): number | undefined {
  if (w.hi - w.lo < 2) return undefined;
  // Relative to the first point's time, to keep x small (prometheus/prometheus#2674).
  return linearRegression(w, w.t[w.lo])[0];
}

export function predictLinear(w: Window, durationSeconds: number): number | undefined {
  if (w.hi - w.lo < 2) return undefined;
  const [slope, intercept] = linearRegression(w, w.evalTs);
  return slope * durationSeconds + intercept;
}

export function resets(w: Window): number {
  let n = 0;
  let prev = w.v[w.lo];
  for (let i = w.lo + 1; i < w.hi; i++) {
    if (w.v[i] < prev) n++;
    prev = w.v[i];
  }
  return n;
}

export function changes(w: Window): number {
  let n = 0;
  let prev = w.v[w.lo];
  for (let i = w.lo + 1; i < w.hi; i++) {
    const cur = w.v[i];
    if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) n++;
    prev = cur;
  }
  return n;
}

/** Double exponential smoothing with smoothing factor sf and trend factor tf (both in (0, 1)). */
export function holtWinters(w: Window, sf: number, tf: number): number | undefined {
  if (!(sf > 0 && sf < 1)) throw new Error(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf.toFixed(6)}`);
  if (!(tf > 0 && tf < 1)) throw new Error(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf.toFixed(6)}`);
  const l = w.hi - w.lo;
  if (l < 2) return undefined;
  let s0 = 0;
  let s1 = w.v[w.lo];
  let b = w.v[w.lo + 1] - w.v[w.lo];
  for (let i = 1; i < l; i++) {
    const x = sf * w.v[w.lo + i];
    // The trend at this point; the first step keeps the initial trend.
    if (i - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}
