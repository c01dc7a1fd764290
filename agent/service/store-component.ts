/**
 * The local store as a component: enforces retention on a timer, counts
 * refused samples, and exposes the store's series on the admin /metrics
 * (so a Prometheus can scrape what the sidecar received and derived). The
 * agent's own series (job="lookout") are left out there: the SDK exporter
 * already serves them and a family must appear only once per scrape.
 */
import type { Counter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Component, Host } from '../component/component';
import { MemoryStore, type RefusalReason } from '../store';
import type { StoreConfig } from '../store/config';
import { renderExposition } from '../exposition';

export const SELF_JOB = 'lookout';
const COMPACT_EVERY_MS = 60_000;

export class StoreComponent implements Component {
  readonly id = 'store';
  readonly store: MemoryStore;
  private refused?: Counter;
  private timer?: NodeJS.Timeout;

  constructor(config: StoreConfig, logger: Logger) {
    this.store = new MemoryStore({
      retentionMs: config.retention,
      maxSeries: config.max_series,
      onRefused: (reason: RefusalReason) => this.refused?.add(1, { reason }),
      logger: logger.child({ component: 'store' }),
    });
  }

  async start(host: Host): Promise<void> {
    const logger = host.logger.child({ component: 'store' });
    this.refused = host.meter.createCounter('lookout_store_refused_samples', {
      description: 'Samples the local store refused (cardinality limit, out of order).',
    });
    const series = host.meter.createObservableGauge('lookout_store_series', { description: 'Series in the local store.' });
    series.addCallback((r) => r.observe(this.store.stats().series));
    host.registerMetricsSource(() => renderExposition(this.store, { exclude: (labels) => labels.job === SELF_JOB }));
    this.timer = setInterval(() => {
      const result = this.store.compact();
      logger.debug({ result }, 'store compacted');
    }, COMPACT_EVERY_MS);
    this.timer.unref();
  }

  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
