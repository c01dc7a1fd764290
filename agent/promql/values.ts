/**
 * The values flowing through evaluation at one evaluation time: scalars,
 * strings, instant vectors and range vectors (per series, a window of points
 * given as an index range into shared arrays, so nothing is copied per step).
 */
import type { Labels } from '../store/types';

export interface Sample {
  metric: Labels;
  value: number;
  /** The stored sample's own timestamp (ms), known only straight out of a vector selector (for timestamp()). */
  t?: number;
}

export interface RangeSlice {
  metric: Labels;
  t: ArrayLike<number>;
  v: ArrayLike<number>;
  /** First point (inclusive). */
  lo: number;
  /** End of the points (exclusive). */
  hi: number;
}

/** A range vector at one evaluation time, with the window rate() & co. extrapolate to. */
export interface RangeValue {
  type: 'matrix';
  series: RangeSlice[];
  rangeStart: number;
  rangeEnd: number;
  rangeMs: number;
}

export type Value =
  | { type: 'scalar'; value: number }
  | { type: 'string'; value: string }
  | { type: 'vector'; samples: Sample[] }
  | RangeValue;
