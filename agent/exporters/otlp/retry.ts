/**
 * The retry loop around one batch's sends, with the Collector's
 * retry_on_failure semantics: retry RetryableSendError after backoffDelay()
 * (an upstream Retry-After wins), give up when the next wait would pass
 * max_elapsed_time (0: never), and stop at once when the exporter's shutdown
 * deadline aborts `cancel` -- also in the middle of a wait.
 *
 * Not cockatiel's retry(): its RetryPolicy (3.2.1) awaits the backoff delay
 * without looking at the AbortSignal, so a shutdown during a long Retry-After
 * wait would hang past the deadline, and it has no elapsed-time budget.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, type BackoffSettings } from './backoff';
import { RetriesExhaustedError, RetryableSendError, ShutdownAbortError } from './errors';

/** Node turns longer timers into 1 ms ones (TimeoutOverflowWarning): a huge Retry-After must not mean "now". */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface RetrySettings extends BackoffSettings {
  enabled: boolean;
  /** Give up when the next wait would end later than this after the first attempt; 0: never. */
  maxElapsedMs: number;
}

export interface RetryInfo { attempt: number; delayMs: number; error: RetryableSendError }

export interface RetryOptions {
  /** Aborted at the shutdown deadline. */
  cancel: AbortSignal;
  onRetry?: (info: RetryInfo) => void;
  /** Injectable for tests. */
  random?: () => number;
  now?: () => number;
}

/**
 * Runs `attempt` (1-based attempt number) until it resolves; rethrows
 * anything that is not a RetryableSendError (e.g. PermanentSendError).
 */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, settings: RetrySettings, opts: RetryOptions): Promise<T> {
  const now = opts.now ?? Date.now;
  const started = now();
  for (let n = 1; ; n++) {
    if (opts.cancel.aborted) throw new ShutdownAbortError();
    try {
      return await attempt(n);
    } catch (err) {
      if (opts.cancel.aborted) throw new ShutdownAbortError();
      if (!(err instanceof RetryableSendError)) throw err;
      if (!settings.enabled) {
        throw new RetriesExhaustedError(`retry_on_failure is disabled; ${err.message}`, n, err);
      }
      const delayMs = backoffDelay(n, settings, err.retryAfterMs, opts.random);
      const elapsed = now() - started;
      if (settings.maxElapsedMs > 0 && elapsed + delayMs > settings.maxElapsedMs) {
        throw new RetriesExhaustedError(
          `gave up after ${n} attempt${n === 1 ? '' : 's'} in ${elapsed} ms: the next retry in ${delayMs} ms would pass ` +
          `retry_on_failure.max_elapsed_time (${settings.maxElapsedMs} ms); last error: ${err.message}`, n, err);
      }
      opts.onRetry?.({ attempt: n, delayMs, error: err });
      try {
        await sleep(Math.min(delayMs, MAX_TIMER_MS), undefined, { signal: opts.cancel });
      } catch {
        throw new ShutdownAbortError();
      }
    }
  }
}
