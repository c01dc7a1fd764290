/**
 * The seed's backoff rule as a cockatiel backoff:
 *
 *   delay(n) = min(base * exponentialBase^n, max)            (n = 0 for the first retry)
 *   with jitter: delay(n) * (0.5 + random() * 0.5)           (in [delay/2, delay))
 *
 * Half jitter keeps at least half the wait (so retries do back off) while
 * spreading a crowd of clients that failed together (no thundering herd).
 */
import type { IBackoffFactory, IRetryBackoffContext } from 'cockatiel';
import { backoffDelayMs, type BackoffPolicy } from '../../agent/retry/backoff';
import { cockatielBackoff } from '../../agent/retry/cockatiel';

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

/** The seed's rule as the agent's one backoff policy (agent/retry/backoff.ts): half jitter below the interval. */
function policyOf(options: BackoffOptions): BackoffPolicy {
  return { initialMs: options.baseDelayMs, maxMs: options.maxDelayMs, multiplier: options.exponentialBase, jitter: options.jitter ? 0.5 : 0, jitterMode: 'below' };
}

/** The delay before retry number `retryIndex` (0-based), in ms. */
export function backoffDelay(retryIndex: number, options: BackoffOptions): number {
  return backoffDelayMs(retryIndex, policyOf(options), options.random);
}

export function seedBackoff(options: BackoffOptions): IBackoffFactory<IRetryBackoffContext<unknown>> {
  return cockatielBackoff(policyOf(options), options.random);
}
