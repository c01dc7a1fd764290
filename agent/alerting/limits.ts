/**
 * alerting.limits applied by the notifier: the options its Silences and
 * Dispatcher run with, and the check on POST /api/v1/alerts/test. Every
 * refusal is counted and logged (one line per reason per minute). Limits
 * are read from the current config at each decision, so a reload applies.
 */
import type { Logger } from 'pino';
import type { AlertingLimits } from './config';
import type { Dispatcher, DispatcherLimits } from './dispatcher';
import { RateLimitedLog } from './limit-log';
import type { AlertingMetrics } from './metric';
import type { SilencesOptions } from './silence';
import type { Clock } from './timer';

/** An alert refused by alerting.limits.max_alerts (the API answers 429). */
export class AlertLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertLimitError';
  }
}

export class NotifierLimits {
  private readonly log: RateLimitedLog;

  constructor(
    private readonly limits: () => AlertingLimits,
    private readonly metrics: () => AlertingMetrics | undefined,
    private readonly logger: () => Logger | undefined,
    now: Clock,
  ) {
    this.log = new RateLimitedLog(logger, 60_000, now);
  }

  silenceOptions(): SilencesOptions {
    return {
      limits: () => ({ maxSilences: this.limits().max_silences, maxSilenceSizeBytes: this.limits().max_silence_size_bytes }),
      onRefused: (reason, message) => {
        this.metrics()?.silencesRefused.add(1, { reason });
        this.log.warn(reason, { limit: this.limits()[reason], err: message }, `silence refused: ${message} (raise alerting.limits.${reason} if this is expected)`);
      },
      onUnreadable: (id, reason) => this.logger()?.warn({ id, reason }, 'skipping an unreadable silence in alerting.db'),
    };
  }

  dispatcherLimits(): DispatcherLimits {
    const max = this.limits().max_alerts;
    return {
      maxAlerts: max,
      onRefused: (refused) => {
        this.metrics()?.alertsRefused.add(refused.length, { source: 'rules' });
        this.log.warn('max_alerts', { limit: max, refused: refused.length, example: refused[0].labels },
          `new alerts refused: the notifier already keeps ${max} alerts (alerting.limits.max_alerts); updates of known alerts still pass`);
      },
    };
  }

  /** Throws AlertLimitError when a test alert with this fingerprint would not be stored. */
  admitTestAlert(dispatcher: Dispatcher, fingerprint: string): void {
    if (dispatcher.accepts(fingerprint)) return;
    const max = this.limits().max_alerts;
    this.metrics()?.alertsRefused.add(1, { source: 'api' });
    this.log.warn('max_alerts_api', { limit: max }, `test alert refused: the notifier already keeps ${max} alerts (alerting.limits.max_alerts)`);
    throw new AlertLimitError(`exceeded maximum number of alerts: ${max} (limit: ${max})`);
  }
}
