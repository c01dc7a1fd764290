/**
 * What a range-vector function sees for one series at one step: the points
 * in [rangeStart, rangeEnd] as parallel arrays with an index range (no copy),
 * plus the window bounds that rate()'s extrapolation needs.
 */
export interface Window {
  t: ArrayLike<number>;
  v: ArrayLike<number>;
  /** First point index (inclusive). */
  lo: number;
  /** Last point index (exclusive). */
  hi: number;
  /** Window bounds in ms (evaluation time minus offset, minus range). */
  rangeStart: number;
  rangeEnd: number;
  /** The selector's range in ms. */
  rangeMs: number;
  /** The evaluation step's time (ms); predict_linear extrapolates from it. */
  evalTs: number;
  /** True when the series never decreases anywhere in t/v (no counter resets to look for). */
  monotonic?: boolean;
}

/** Whether v never decreases (NaN compares false, so a NaN counts as a possible reset). */
export function nonDecreasing(v: ArrayLike<number>): boolean {
  for (let i = 1; i < v.length; i++) if (!(v[i] >= v[i - 1])) return false;
  return true;
}

/** Neumaier-compensated running sum (Prometheus' kahanSumInc): returns [sum, compensation]. */
export function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (Math.abs(sum) >= Math.abs(inc)) c += (sum - t) + inc;
  else c += (inc - t) + sum;
  return [t, c];
}
