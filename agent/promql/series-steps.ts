/**
 * Series-major evaluation: one series of a selector (or of a range function
 * straight over a selector, `rate(x[5m])`) evaluated at every time of an
 * evenly spaced grid in one pass. A range query or a subquery over such an
 * expression otherwise builds, at every step, a vector of sample objects for
 * all series and then regroups them by label set; here each series' samples
 * are walked once, with two indices that only move forward (the grid's
 * windows only move forward), and the values land in typed arrays. The
 * caller checks the deadline and yields through `ctx.due()`, called once per
 * grid point.
 */
import type { SeriesData } from '../store/types';
import type { QueryContext, Steps } from './context';
import type { Window } from './functions/window';
import { QueryError } from './types';

/** Evaluation times start, start + step, … (n of them). */
export interface Grid { start: number; step: number; n: number }

export type RangeFn = (w: Window, scalars: number[]) => number | undefined;

/** What is evaluated at each grid time t (the selector's reference time is t - offset). */
export type StepSource =
  | { kind: 'vector'; offset: number; lookbackMs: number }
  | { kind: 'range'; offset: number; rangeMs: number; fn: RangeFn; scalars: number[] };

/** Output buffers, at least grid.n long, reused from series to series. */
export interface StepBuffers { t: Float64Array; v: Float64Array }

const NO_POINTS = new Float64Array(0);

/**
 * Writes the series' value at each grid time that has one into out (times
 * and values, in order) and returns how many it wrote. `monotonic`: the
 * series never decreases (rate() can skip its reset scan).
 */
export function* seriesAtSteps(s: SeriesData, monotonic: boolean, src: StepSource, grid: Grid, out: StepBuffers, ctx: QueryContext): Steps<number> {
  const { t, v } = s;
  const len = t.length;
  const outT = out.t;
  const outV = out.v;
  let count = 0;
  if (src.kind === 'vector') {
    // The newest sample at or before ref, within the lookback, unless a staleness marker came after it.
    const stale = s.staleT;
    const staleLen = stale.length;
    let j = 0;
    let sj = 0;
    for (let k = 0; k < grid.n; k++) {
      if (ctx.due()) yield;
      const ts = grid.start + k * grid.step;
      const ref = ts - src.offset;
      while (j < len && t[j] <= ref) j++;
      if (j === 0) continue;
      const sampleT = t[j - 1];
      if (sampleT < ref - src.lookbackMs) continue;
      while (sj < staleLen && stale[sj] <= ref) sj++;
      if (sj > 0 && stale[sj - 1] > sampleT) continue;
      outT[count] = ts;
      outV[count++] = v[j - 1];
    }
    return count;
  }
  const { fn, scalars, rangeMs } = src;
  const w: Window = { t, v, lo: 0, hi: 0, rangeStart: 0, rangeEnd: 0, rangeMs, evalTs: 0, monotonic };
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < grid.n; k++) {
    if (ctx.due()) yield;
    const ts = grid.start + k * grid.step;
    const ref = ts - src.offset;
    const rangeStart = ref - rangeMs;
    while (lo < len && t[lo] < rangeStart) lo++;
    if (hi < lo) hi = lo;
    while (hi < len && t[hi] <= ref) hi++;
    if (hi === lo) continue;
    w.lo = lo;
    w.hi = hi;
    w.rangeStart = rangeStart;
    w.rangeEnd = ref;
    w.evalTs = ts;
    let value: number | undefined;
    try {
      value = fn(w, scalars);
    } catch (err) {
      throw err instanceof QueryError ? err : new QueryError((err as Error).message, 'execution');
    }
    if (value === undefined) continue;
    outT[count] = ts;
    outV[count++] = value;
  }
  w.t = NO_POINTS;
  w.v = NO_POINTS;
  return count;
}
