/**
 * The one backoff policy of the agent and its toolkit: exponential growth
 * with a cap and proportional jitter. The exporter (retry_on_failure, the
 * Collector's semantics), the notifier (through cockatiel, cockatiel.ts)
 * and the app-side toolkit (instrumentation/toolkit/backoff.ts) all draw
 * their delays here; they differ only in settings:
 *
 *   interval(n) = min(initial x multiplier^n, max)            n = 0 for the first retry
 *   symmetric:    interval x [1 - jitter, 1 + jitter)         the Collector's randomization_factor
 *   below:        interval x [1 - jitter, 1)                  never longer than the interval (the toolkit's half jitter)
 *
 * Dependency-free: the app-side toolkit bundles it.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  multiplier: number;
  /** Share of the interval the delay may vary by (0: none). */
  jitter: number;
  /** Default symmetric. */
  jitterMode?: 'symmetric' | 'below';
}

/** The un-randomised interval before retry `retryIndex` (0-based). */
export function backoffInterval(retryIndex: number, p: BackoffPolicy): number {
  return Math.min(p.maxMs, p.initialMs * Math.pow(p.multiplier, Math.max(0, retryIndex)));
}

/** The delay before retry `retryIndex` (0-based); `random` in [0, 1) is injectable for tests. */
export function backoffDelayMs(retryIndex: number, p: BackoffPolicy, random: () => number = Math.random): number {
  const interval = backoffInterval(retryIndex, p);
  if (p.jitter <= 0) return interval;
  const width = p.jitterMode === 'below' ? p.jitter : 2 * p.jitter;
  return interval * (1 - p.jitter + random() * width);
}
