/**
 * What keeps one query bounded and the event loop responsive: a deadline,
 * an AbortSignal (client gone, agent stopping), a sample budget and a time
 * slice. The evaluator calls `due()` inside its hot loops (per series, per
 * step, per subquery step); when the slice is used up the evaluation
 * generator yields and the async driver (`runCooperatively`) gives the event
 * loop a turn (setImmediate) before resuming, so OTLP requests and /healthz
 * are served between slices of a long query.
 */
import { nextTurn } from '../component/turns';
import { QueryError } from './types';

/**
 * Units of work between two clock reads. Units differ in cost (a binary
 * search, a regex match against a label value), so the stride adapts:
 * it shrinks when a stretch took long and grows while they are quick,
 * keeping clock reads both cheap and frequent enough (~0.1-0.5 ms apart).
 */
const MAX_STRIDE = 256;
const STRETCH_LONG_MS = 0.5;
const STRETCH_SHORT_MS = 0.1;

export interface QueryLimits {
  /** Absolute deadline on performance.now()'s clock; Infinity for none. */
  deadline?: number;
  /** Aborts the query (client disconnected, agent shutting down). */
  signal?: AbortSignal;
  /** Longest stretch of evaluation between two event-loop turns (ms); default 10. */
  sliceMs?: number;
  /** Most samples the query may hold (Prometheus' --query.max-samples). */
  maxSamples?: number;
}

export const DEFAULT_SLICE_MS = 10;

export class QueryContext {
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly sliceMs: number;
  readonly maxSamples: number;
  /** Samples counted against maxSamples so far. */
  samples = 0;
  private sliceEnd: number;
  private n = 0;
  private stride = 16;
  private lastCheck: number;

  constructor(limits: QueryLimits = {}) {
    this.deadline = limits.deadline ?? Infinity;
    this.signal = limits.signal;
    this.sliceMs = limits.sliceMs ?? DEFAULT_SLICE_MS;
    this.maxSamples = limits.maxSamples ?? Infinity;
    this.lastCheck = performance.now();
    this.sliceEnd = this.lastCheck + this.sliceMs;
  }

  /**
   * Called once per unit of work. Throws when the query timed out or was
   * aborted; returns true when the time slice is used up (the caller yields).
   */
  due(): boolean {
    if (++this.n < this.stride) return false;
    this.n = 0;
    const now = performance.now();
    const stretch = now - this.lastCheck;
    this.lastCheck = now;
    if (stretch > STRETCH_LONG_MS) this.stride = Math.max(1, this.stride >> 2);
    else if (stretch < STRETCH_SHORT_MS && this.stride < MAX_STRIDE) this.stride <<= 1;
    this.check(now);
    return now >= this.sliceEnd;
  }

  /** Throws the Prometheus error for an expired deadline or an abort. */
  check(now = performance.now()): void {
    if (this.signal?.aborted) throw canceledError(this.signal);
    if (now >= this.deadline) throw new QueryError('query timed out in expression evaluation', 'timeout');
  }

  /** Starts a new time slice (after the event loop had its turn). */
  resumed(): void {
    this.n = 0;
    const now = performance.now();
    this.check(now);
    this.lastCheck = now;
    this.sliceEnd = now + this.sliceMs;
  }

  /** Counts n more samples held; over the budget is Prometheus' execution error. */
  addSamples(n: number): void {
    this.samples += n;
    if (this.samples > this.maxSamples) {
      throw new QueryError(`query processing would load too many samples into memory in query execution (more than ${this.maxSamples})`, 'execution');
    }
  }
}

function canceledError(signal: AbortSignal): QueryError {
  const reason = signal.reason instanceof Error ? signal.reason.message : typeof signal.reason === 'string' ? signal.reason : 'context canceled';
  return new QueryError(`query was canceled in expression evaluation: ${reason}`, 'canceled');
}

/** A generator that yields when its slice is used up and returns a result. */
export type Steps<T> = Generator<void, T, void>;

/** Runs steps to completion without giving the event loop a turn (tests, offline tools); limits still apply. */
export function runToCompletion<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** The turns are shared with OTLP ingestion (agent/component/turns.ts): one slice or request per event-loop iteration. */
export { nextTurn };

/** Runs steps, giving the event loop a turn at every yield; rejects with timeout/canceled when the context says so. */
export async function runCooperatively<T>(steps: Steps<T>, ctx: QueryContext): Promise<T> {
  try {
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      await nextTurn();
      ctx.resumed();
    }
  } finally {
    // Stopped between slices (timeout, abort): let the generator run its finally blocks.
    steps.return(undefined as T);
  }
}
