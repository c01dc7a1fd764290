/**
 * Retry delays: exponential backoff with jitter, the Collector's
 * retry_on_failure semantics (interval = initial x multiplier^(n-1), capped at
 * max_interval, then randomised by +-randomization_factor), except that an
 * upstream's Retry-After wins: the server knows when it can take more.
 */
export interface BackoffSettings {
  initialIntervalMs: number;
  maxIntervalMs: number;
  multiplier: number;
  randomizationFactor: number;
}

/** The un-randomised interval before retry number `attempt` (1-based). */
export function baseInterval(attempt: number, s: BackoffSettings): number {
  const raw = s.initialIntervalMs * Math.pow(s.multiplier, Math.max(0, attempt - 1));
  return Math.min(s.maxIntervalMs, raw);
}

/** The delay before retry number `attempt`; `random` in [0, 1) is injectable for tests. */
export function backoffDelay(attempt: number, s: BackoffSettings, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return retryAfterMs;
  const base = baseInterval(attempt, s);
  const delta = s.randomizationFactor * base;
  return Math.max(0, Math.round(base - delta + random() * 2 * delta));
}

/** Parses a Retry-After header: delay-seconds or an HTTP date. Undefined when absent or unparseable. */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
