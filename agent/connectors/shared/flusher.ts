/**
 * The flush side of a metrics-deriving connector: writes its DerivedMetrics
 * to the store every `intervalMs` (0: after every batch, which tests and
 * very low-volume setups use), counts refused samples on the agent's own
 * /metrics, and warns once per family that hits the cardinality limit.
 */
import type { Counter, Meter, ObservableGauge } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Appender } from '../../store/types';
import type { DerivedMetrics, FlushResult } from './derived-metrics';

export class Flusher {
  private timer?: NodeJS.Timeout;
  private refusedCounter?: Counter;
  private seriesGauge?: ObservableGauge;
  private logger?: Logger;
  private refusedWarned = false;

  constructor(
    private readonly connector: string,
    private readonly metrics: DerivedMetrics,
    private readonly out: Appender,
    readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  /** Registers self-metrics and starts the timer (none when intervalMs is 0). */
  start(meter: Meter, logger: Logger): void {
    this.logger = logger;
    this.refusedCounter = meter.createCounter('lookout_connector_refused_samples', {
      description: 'Samples derived by a connector that the local store refused (series limit, out of order).',
    });
    this.seriesGauge = meter.createObservableGauge('lookout_connector_series', {
      description: 'Label sets a connector currently keeps running totals for.',
    });
    this.seriesGauge.addCallback((r) => r.observe(this.metrics.size, { connector: this.connector }));
    if (this.intervalMs > 0 && !this.timer) {
      this.timer = setInterval(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Writes what is due now; safe to call at any time. */
  flush(): FlushResult {
    const result = this.metrics.flush(this.out, this.now());
    if (result.refused > 0) {
      this.refusedCounter?.add(result.refused, { connector: this.connector });
      if (!this.refusedWarned) {
        this.refusedWarned = true;
        this.logger?.warn({ connector: this.connector, refused: result.refused },
          'the store refused derived samples (series limit reached or out-of-order samples); see store.max_series');
      }
    }
    for (const family of this.metrics.newlyOverflowed()) {
      this.logger?.warn({ connector: this.connector, family, limit: this.metrics.opts.cardinalityLimit },
        'aggregation_cardinality_limit reached: further label sets are counted in the otel_metric_overflow="true" series');
    }
    return result;
  }

  /** After a batch: flushes right away in interval-0 mode. */
  afterBatch(): void {
    if (this.intervalMs === 0) this.flush();
  }

  /** Stops the timer and writes a last time (idempotent). */
  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    this.flush();
  }
}
