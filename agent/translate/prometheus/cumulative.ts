/**
 * Delta temporality to cumulative, as Prometheus only understands running
 * totals. State is kept per stream (resource + scope + metric name +
 * attributes). A point older than or equal to the last one seen is dropped
 * (a duplicate or out-of-order retry); a point whose window starts before
 * the previous point's end (overlap: the producer restarted or its clock
 * moved) restarts the running total at that point's start time, as does a
 * change of histogram bucket layout.
 */
export interface Running<T> {
  /** Start of the cumulative window (ms): the first delta's start time. */
  start: number;
  /** Time of the last accumulated point (ms). */
  lastT: number;
  acc: T;
  /** Wall-clock ms of the last point, for forgetting silent streams. */
  seenAt: number;
}

export class DeltaToCumulative {
  private readonly streams = new Map<string, Running<unknown>>();

  /**
   * Folds one delta point into the stream's running total. Returns the
   * running state to emit, or undefined when the point is dropped.
   */
  accumulate<T>(key: string, start: number, t: number, point: T, merge: (acc: T, point: T) => T | undefined, now = Date.now()): Running<T> | undefined {
    const cur = this.streams.get(key) as Running<T> | undefined;
    if (cur && t <= cur.lastT) return undefined;
    if (cur && !(start > 0 && start < cur.lastT)) {
      const merged = merge(cur.acc, point);
      if (merged !== undefined) {
        cur.acc = merged;
        cur.lastT = t;
        cur.seenAt = now;
        return cur;
      }
    }
    const fresh: Running<T> = { start: start > 0 ? start : t, lastT: t, acc: point, seenAt: now };
    this.streams.set(key, fresh as Running<unknown>);
    return fresh;
  }

  /** Forgets streams without a point since `before` (wall-clock ms): they restart from zero if they come back. */
  forgetOlderThan(before: number): void {
    for (const [k, s] of this.streams) if (s.seenAt < before) this.streams.delete(k);
  }

  get size(): number {
    return this.streams.size;
  }
}
