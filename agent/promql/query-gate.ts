/**
 * Prometheus' --query.max-concurrency with a bounded queue: at most
 * `maxConcurrent` queries evaluate at once; further ones wait in FIFO order
 * (the wait counts against their timeout, as in Prometheus), and when
 * `maxQueued` already wait a new query is refused at once instead of
 * piling up.
 */
import { QueryError } from './types';

interface Waiter {
  grant: () => void;
  fail: (err: QueryError) => void;
}

export class QueryGate {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly maxConcurrent: number, readonly maxQueued: number) {
    if (!(maxConcurrent >= 1)) throw new Error(`QueryGate: maxConcurrent must be at least 1, got ${maxConcurrent}`);
    if (!(maxQueued >= 0)) throw new Error(`QueryGate: maxQueued must not be negative, got ${maxQueued}`);
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.queue.length;
  }

  /**
   * Waits for a slot; resolves with the function that frees it (call it
   * exactly once). Rejects with `unavailable` when the queue is full,
   * `timeout` when `timeoutMs` passes first, `canceled` when signal aborts.
   */
  acquire(timeoutMs: number, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new QueryError('query was canceled in queue', 'canceled'));
    if (this.active < this.maxConcurrent) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(new QueryError(
        `too many queries: ${this.active} running and ${this.queue.length} queued (query.max_concurrency, query.max_queued)`, 'unavailable'));
    }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const i = this.queue.indexOf(w);
        if (i >= 0) this.queue.splice(i, 1);
      };
      const w: Waiter = {
        grant: () => { done(); this.active++; resolve(this.releaser()); },
        fail: (err) => { done(); reject(err); },
      };
      const onAbort = (): void => w.fail(new QueryError('query was canceled in queue', 'canceled'));
      if (Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => w.fail(new QueryError('query timed out in query queue', 'timeout')), Math.max(0, timeoutMs));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(w);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.queue[0]?.grant();
    };
  }
}
