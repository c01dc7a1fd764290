/** The backoff policy (backoff.ts) as a cockatiel backoff, for cockatiel retry policies. */
import { ExponentialBackoff, type IBackoffFactory, type IRetryBackoffContext } from 'cockatiel';
import { backoffDelayMs, type BackoffPolicy } from './backoff';

export function cockatielBackoff(policy: BackoffPolicy, random?: () => number): IBackoffFactory<IRetryBackoffContext<unknown>> {
  return new ExponentialBackoff<number>({
    initialDelay: policy.initialMs,
    maxDelay: policy.maxMs,
    exponent: policy.multiplier,
    generator: (retryIndex = 0) => [backoffDelayMs(retryIndex, policy, random), retryIndex + 1],
  });
}
