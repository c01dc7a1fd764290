/**
 * Retry delays: exponential backoff with jitter, the Collector's
 * retry_on_failure semantics (interval = initial x multiplier^(n-1), capped at
 * max_interval, then drawn uniformly from interval x [1 - f, 1 + f] with f the
 * randomization_factor), except that an upstream's Retry-After replaces it,
 * even beyond max_interval: the server knows when it can take more. The
 * elapsed-time budget (max_elapsed_time) is enforced by retry.ts.
 */
import { backoffDelayMs, backoffInterval, type BackoffPolicy } from '../../retry/backoff';

export interface BackoffSettings {
  initialIntervalMs: number;
  maxIntervalMs: number;
  multiplier: number;
  randomizationFactor: number;
}

/** retry_on_failure as the agent's one backoff policy (agent/retry/backoff.ts). */
function policyOf(s: BackoffSettings): BackoffPolicy {
  return { initialMs: s.initialIntervalMs, maxMs: s.maxIntervalMs, multiplier: s.multiplier, jitter: s.randomizationFactor };
}

/** The un-randomised interval before retry number `attempt` (1-based). */
export function baseInterval(attempt: number, s: BackoffSettings): number {
  return backoffInterval(attempt - 1, policyOf(s));
}

/** The delay before retry number `attempt` (1-based); `random` in [0, 1) is injectable for tests. */
export function backoffDelay(attempt: number, s: BackoffSettings, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return retryAfterMs;
  return Math.max(0, Math.round(backoffDelayMs(attempt - 1, policyOf(s), random)));
}

/** Parses a Retry-After header: delay-seconds or an HTTP date. Undefined when absent or unparseable. */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // HTTP dates (IMF-fixdate, RFC 850, asctime) all start with the day name; Date.parse alone would take "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
