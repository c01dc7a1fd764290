/**
 * Resilient delivery of one notification through one integration: each
 * attempt bounded by a timeout, failed attempts retried with exponential
 * backoff and jitter, and a circuit breaker per (receiver, integration) so a
 * dead endpoint fails fast instead of tying up every flush. Client errors
 * (4xx except 429) are not retried: the same request would fail again.
 * Every attempt is counted and timed, and the outcome logged.
 */
import {
  BrokenCircuitError, ConsecutiveBreaker, TimeoutStrategy, circuitBreaker, handleAll, handleWhen, retry,
  timeout, wrap, type IPolicy,
} from 'cockatiel';
import type { Logger } from 'pino';
import { cockatielBackoff } from '../retry/cockatiel';
import { HttpError, type Integration } from './integration';
import type { NotificationMessage } from './message';
import type { NotifyTelemetry } from './telemetry';
import { TemplateRenderError } from './render';

export interface DeliverySettings {
  /** Per attempt. */
  timeoutMs: number;
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failures that open the breaker. */
  breakerThreshold: number;
  /** How long an open breaker refuses before letting one attempt through. */
  halfOpenAfterMs: number;
}

export const DEFAULT_DELIVERY: DeliverySettings = {
  timeoutMs: 15_000, maxAttempts: 5, initialDelayMs: 500, maxDelayMs: 30_000, breakerThreshold: 5, halfOpenAfterMs: 30_000,
};

function retryable(err: Error): boolean {
  if (err instanceof HttpError) return err.retryable;
  // A template that fails fails the same way next time.
  if (err instanceof TemplateRenderError) return false;
  return true;
}

/**
 * Retry (exponential backoff with jitter; client errors are final) around a
 * circuit breaker around a per-attempt timeout. The breaker sits inside the
 * retry so an open breaker ends the retries at once instead of hammering.
 */
export function deliveryPolicy(settings: DeliverySettings): IPolicy {
  const retryPolicy = retry(handleWhen(retryable), {
    maxAttempts: Math.max(0, settings.maxAttempts - 1),
    // The agent's one backoff policy (agent/retry/backoff.ts): doubling, +-50 % jitter.
    backoff: cockatielBackoff({ initialMs: settings.initialDelayMs, maxMs: settings.maxDelayMs, multiplier: 2, jitter: 0.5 }),
  });
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: settings.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(settings.breakerThreshold),
  });
  return wrap(retryPolicy, breaker, timeout(settings.timeoutMs, TimeoutStrategy.Aggressive));
}

export class Delivery {
  private readonly policy: IPolicy;
  private readonly attrs: Record<string, string>;

  constructor(
    readonly receiver: string,
    readonly integration: Integration,
    settings: DeliverySettings,
    private readonly telemetry: NotifyTelemetry,
    private readonly logger: Logger,
  ) {
    this.attrs = { integration: integration.name, receiver };
    this.policy = deliveryPolicy(settings);
  }

  /** Resolves when delivered; rejects with the last error once retries are exhausted or `signal` aborts. */
  async deliver(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    try {
      await this.policy.execute(async ({ signal: attemptSignal }) => {
        const t0 = performance.now();
        this.telemetry.attempts.add(1, this.attrs);
        try {
          await this.integration.notify(msg, attemptSignal);
        } catch (err) {
          this.telemetry.failed.add(1, this.attrs);
          if (err instanceof TemplateRenderError) this.telemetry.templateErrors.add(1, this.attrs);
          this.logger.warn({ receiver: this.receiver, integration: `${this.integration.name}[${this.integration.index}]`, groupKey: msg.groupKey, err: (err as Error).message }, 'notification attempt failed');
          throw err;
        } finally {
          this.telemetry.latency.record((performance.now() - t0) / 1000, this.attrs);
        }
      }, signal);
      this.logger.info({ receiver: this.receiver, integration: `${this.integration.name}[${this.integration.index}]`, groupKey: msg.groupKey, status: msg.status, alerts: msg.alerts.length, ms: Math.round(performance.now() - started) }, 'notification sent');
    } catch (err) {
      const reason = err instanceof BrokenCircuitError ? 'circuit open after repeated failures' : (err as Error).message;
      this.logger.error({ receiver: this.receiver, integration: `${this.integration.name}[${this.integration.index}]`, groupKey: msg.groupKey, err: reason }, 'notification failed; will retry at the next group_interval');
      throw err;
    }
  }
}
