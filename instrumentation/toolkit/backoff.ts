/**
 * The seed's backoff rule as a cockatiel backoff:
 *
 *   delay(n) = min(base * exponentialBase^n, max)            (n = 0 for the first retry)
 *   with jitter: delay(n) * (0.5 + random() * 0.5)           (in [delay/2, delay))
 *
 * Half jitter keeps at least half the wait (so retries do back off) while
 * spreading a crowd of clients that failed together (no thundering herd).
 */
import { ExponentialBackoff, type IBackoffFactory, type IRetryBackoffContext } from 'cockatiel';

export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  baseDelayMs: number;
  /** Cap on any single delay, ms (applied before jitter, as in the seed). */
  maxDelayMs: number;
  /** Growth factor per attempt. */
  exponentialBase: number;
  jitter: boolean;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

/** The delay before retry number `retryIndex` (0-based), in ms. */
export function backoffDelay(retryIndex: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.baseDelayMs * options.exponentialBase ** retryIndex, options.maxDelayMs);
  if (!options.jitter) return ceiling;
  const random = options.random ?? Math.random;
  return ceiling * (0.5 + random() * 0.5);
}

export function seedBackoff(options: BackoffOptions): IBackoffFactory<IRetryBackoffContext<unknown>> {
  return new ExponentialBackoff<number>({
    initialDelay: options.baseDelayMs,
    maxDelay: options.maxDelayMs,
    exponent: options.exponentialBase,
    generator: (retryIndex = 0) => [backoffDelay(retryIndex, options), retryIndex + 1],
  });
}
