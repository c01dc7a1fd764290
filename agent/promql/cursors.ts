/**
 * Per-series positions of one selector's window, carried from one
 * evaluation step to the next. A range query (and a subquery's inner steps)
 * moves the window forward by a step at a time, so each series' bounds move
 * by a sample or two: advancing from the last position replaces two binary
 * searches per series per step, and each series' samples are walked once
 * across the whole query, as Prometheus iterates its matrix. Any step that
 * moves backwards (an instant query's first step, a subquery revisiting
 * earlier times) falls back to binary search.
 */
import { lowerBound, upperBound } from '../store/mem-series';

/** Beyond this many samples a forward move switches from a linear walk to a binary search. */
const LINEAR_LIMIT = 8;

export class WindowCursors {
  private readonly lo: Int32Array;
  private readonly hi: Int32Array;
  private start = -Infinity;
  private end = -Infinity;
  private forward = false;
  private started = false;

  constructor(n: number) {
    this.lo = new Int32Array(n);
    this.hi = new Int32Array(n);
  }

  /** Starts a step whose windows are [start, end] (both inclusive). */
  begin(start: number, end: number): void {
    this.forward = this.started && start >= this.start && end >= this.end;
    this.started = true;
    this.start = start;
    this.end = end;
  }

  /** Index of series i's first sample at or after the window start. */
  first(i: number, t: ArrayLike<number>): number {
    let j: number;
    if (this.forward) {
      j = this.lo[i];
      const stop = Math.min(t.length, j + LINEAR_LIMIT);
      while (j < stop && t[j] < this.start) j++;
      if (j === stop && j < t.length && t[j] < this.start) j = lowerBound(t, this.start, j);
    } else {
      j = lowerBound(t, this.start);
    }
    this.lo[i] = j;
    return j;
  }

  /** Index after series i's last sample at or before the window end (searching from `from`). */
  after(i: number, t: ArrayLike<number>, from: number): number {
    let j: number;
    if (this.forward) {
      j = Math.max(this.hi[i], from);
      const stop = Math.min(t.length, j + LINEAR_LIMIT);
      while (j < stop && t[j] <= this.end) j++;
      if (j === stop && j < t.length && t[j] <= this.end) j = upperBound(t, this.end, j);
    } else {
      j = upperBound(t, this.end, from);
    }
    this.hi[i] = j;
    return j;
  }
}
