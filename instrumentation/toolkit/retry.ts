/**
 * retry: the seed's `retry_with_backoff`, built on cockatiel's RetryPolicy.
 *
 * - exponential backoff with half jitter (see backoff.ts);
 * - an error filter (`retryOn`): error classes or a predicate; anything else
 *   fails fast, because retrying a ConfigurationError only delays the page;
 * - every attempt is visible: a `retry.attempt` event on the active span and
 *   one increment of the `lookout.retry.attempts` counter
 *   {operation, outcome=success|failure}; a warning log per scheduled retry
 *   and an error log when giving up, as in the seed.
 */
import { trace } from '@opentelemetry/api';
import { handleWhen, retry as cockatielRetry } from 'cockatiel';
import { seedBackoff } from './backoff';
import { errorMessage, errorType } from './errors';
import type { StructuredLogger } from './logger';
import { perMeterProvider } from './telemetry';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => Error;
/** Which failures are worth another attempt. */
export type RetryFilter = readonly ErrorClass[] | ((error: unknown) => boolean);

export interface RetryOptions {
  /** Name used in logs, span events and the counter; default: the function's name. */
  operation?: string;
  /** Retries after the first attempt (seed: max_retries). Default 3. */
  maxRetries?: number;
  /** Default 1000 ms. */
  baseDelayMs?: number;
  /** Default 60000 ms. */
  maxDelayMs?: number;
  /** Default 2. */
  exponentialBase?: number;
  /** Default true. */
  jitter?: boolean;
  /** Default: retry every error. */
  retryOn?: RetryFilter;
  logger?: StructuredLogger;
  /** Stops further retries (the current attempt sees it through `signal`). */
  signal?: AbortSignal;
  /** Randomness for jitter, [0, 1); injectable for tests. */
  random?: () => number;
}

export interface AttemptContext {
  /** 1 for the first call, 2 for the first retry, ... */
  attempt: number;
  signal: AbortSignal;
}

export const RETRY_ATTEMPTS_METRIC = 'lookout.retry.attempts';

const attemptsCounter = perMeterProvider((meter) =>
  meter.createCounter(RETRY_ATTEMPTS_METRIC, {
    description: 'Attempts made by lookout retry(), by operation and outcome',
    unit: '{attempt}',
  }),
);

export function retryFilterPredicate(filter: RetryFilter | undefined): (error: unknown) => boolean {
  if (filter === undefined) return () => true;
  if (typeof filter === 'function') return filter as (error: unknown) => boolean;
  const classes = filter as readonly ErrorClass[];
  return (error) => classes.some((cls) => error instanceof cls);
}

export async function retry<T>(fn: (context: AttemptContext) => T | Promise<T>, options: RetryOptions = {}): Promise<T> {
  const operation = options.operation ?? (fn.name || 'operation');
  const maxRetries = options.maxRetries ?? 3;
  const { logger } = options;
  const shouldRetry = retryFilterPredicate(options.retryOn);
  const policy = cockatielRetry(handleWhen((error) => shouldRetry(error)), {
    maxAttempts: maxRetries,
    backoff: seedBackoff({
      baseDelayMs: options.baseDelayMs ?? 1000,
      maxDelayMs: options.maxDelayMs ?? 60_000,
      exponentialBase: options.exponentialBase ?? 2,
      jitter: options.jitter ?? true,
      random: options.random,
    }),
  });
  const listeners = [
    policy.onRetry((event) => {
      const error = 'error' in event ? event.error : undefined;
      logger?.warning(
        `Function ${operation} failed (attempt ${event.attempt}), retrying in ${(event.delay / 1000).toFixed(2)}s`,
        { function: operation, attempt: event.attempt, delay: event.delay / 1000, error: errorMessage(error) },
      );
    }),
    policy.onGiveUp((event) => {
      const error = 'error' in event ? event.error : undefined;
      logger?.error(`Function ${operation} failed after ${maxRetries} retries`, error, {
        function: operation,
        attempts: maxRetries + 1,
      });
    }),
  ];

  const span = trace.getActiveSpan();
  try {
    return await policy.execute(async ({ attempt: retryIndex, signal }) => {
      const attempt = retryIndex + 1;
      try {
        const result = await fn({ attempt, signal });
        attemptsCounter().add(1, { operation, outcome: 'success' });
        span?.addEvent('retry.attempt', { 'retry.operation': operation, 'retry.attempt': attempt, 'retry.outcome': 'success' });
        return result;
      } catch (err) {
        attemptsCounter().add(1, { operation, outcome: 'failure' });
        span?.addEvent('retry.attempt', {
          'retry.operation': operation,
          'retry.attempt': attempt,
          'retry.outcome': 'failure',
          'retry.retryable': shouldRetry(err),
          'error.type': errorType(err),
          'error.message': errorMessage(err),
        });
        throw err;
      }
    }, options.signal);
  } finally {
    for (const l of listeners) l.dispose();
  }
}
