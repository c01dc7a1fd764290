/**
 * The lifecycle both derived-metrics connectors share: count each batch of
 * their one signal into running totals (record), and let the Flusher write
 * what changed to the store on its timer and at shutdown.
 */
import type { Logger } from 'pino';
import type { Component, Consumer, Host } from '../../component/component';
import type { Signal, SignalData } from '../../otlp/model';
import type { Flusher } from './flusher';
import type { Appender } from '../../store/types';
import { labelLimitsOf, truncateLabelValue } from '../../store/label-limits';

export abstract class DerivedMetricsConnector<S extends Signal> implements Component, Consumer {
  abstract readonly id: string;
  /** Counts locally; offered data only once the exporter accepted it (see FanoutConsumer). */
  readonly neverRefuses = true;
  protected abstract readonly signal: S;
  protected abstract readonly flusher: Flusher;
  protected logger?: Logger;
  /** The store's label_value_length_limit (0 = none): values are cut to it before they become keys. */
  protected maxValueLength = 0;
  private stopped = false;

  /** Cuts label values as the appender would (store.label_value_length_limit), so keys stay short. */
  protected limitValuesLike(appender: Appender): void {
    this.maxValueLength = labelLimitsOf(appender)?.labelValueLengthLimit ?? 0;
  }

  protected cut(v: string): string;
  protected cut(v: string | undefined): string | undefined;
  protected cut(v: string | undefined): string | undefined {
    return v === undefined || this.maxValueLength <= 0 ? v : truncateLabelValue(v, this.maxValueLength);
  }

  /** Adds one request's items to the running totals. */
  abstract record(data: SignalData[S]): void;

  async start(host: Host): Promise<void> {
    this.logger = host.logger.child({ component: this.id });
    this.flusher.start(host.meter, this.logger);
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.flusher.stop();
  }

  async consume<T extends Signal>(signal: T, data: SignalData[T]): Promise<void> {
    if ((signal as Signal) !== this.signal) return;
    this.record(data as unknown as SignalData[S]);
    this.flusher.afterBatch();
  }

  /** Writes what is due to the store now (the timer does this every metrics_flush_interval). */
  flush(): void {
    this.flusher.flush();
  }
}
