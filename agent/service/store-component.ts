/**
 * The store as a service component (id "store"; here, above both the store
 * and PromQL, so agent/store never imports agent/promql): owns the MemoryStore and the
 * PromQL engine over it, runs retention compaction every
 * store.compaction_interval, and publishes the store's self-metrics. Other
 * pipeline components reach it through CreateSettings.service('store') (agent/component/services.ts).
 */
import type { Component, Host } from '../component/component';
import { createEngine } from '../promql/engine';
import type { Engine } from '../promql/types';
import type { QueryConfig } from '../promql/config';
import type { StoreConfig } from '../store/config';
import { MemoryStore, type RefusalReason } from '../store/memory-store';
import { storeMetricsText, type CompactionTotals } from '../store/self-metrics';
import type { Labels } from '../store/types';
import path from 'node:path';
import { StoreWal, walMetricsText } from '../store/wal';

export interface StoreComponentOptions {
  /** Clock (ms) for the store, the engine and compaction; default Date.now. */
  now?: () => number;
  /** The engine's query limits (the `query:` config): timeout and max_samples. */
  query?: Pick<QueryConfig, 'timeout' | 'max_samples'>;
  /** Extra hook for refused samples (e.g. an OTel counter). */
  onRefused?: (reason: RefusalReason, labels: Labels) => void;
}

export class StoreComponent implements Component {
  readonly id = 'store';
  readonly store: MemoryStore;
  readonly engine: Engine;
  private timer: NodeJS.Timeout | undefined;
  private readonly compaction: CompactionTotals = { runs: 0, droppedSeries: 0, droppedChunks: 0 };
  private host: Host | undefined;
  /** The write-ahead log (store.wal.enabled), opened at start: the history comes back before anything is accepted. */
  wal: StoreWal | undefined;

  constructor(private readonly config: StoreConfig, private readonly opts: StoreComponentOptions = {}) {
    this.store = new MemoryStore({
      retentionMs: config.retention,
      maxSeries: config.max_series,
      reservedSeries: config.reserved_series,
      maxLabelBytes: config.max_label_bytes,
      maxFutureMs: config.max_future,
      labelLimits: {
        labelLimit: config.label_limit,
        labelNameLengthLimit: config.label_name_length_limit,
        labelValueLengthLimit: config.label_value_length_limit,
      },
      now: opts.now,
      onRefused: opts.onRefused,
      // The logger arrives with start(); refusals before that are only counted.
      logger: { warn: (obj, msg) => this.host?.logger.warn(obj, msg) },
    });
    this.engine = createEngine(this.store, {
      lookbackDeltaMs: config.lookback_delta, now: opts.now, timeoutMs: opts.query?.timeout, maxSamples: opts.query?.max_samples,
    });
  }

  async start(host: Host): Promise<void> {
    if (this.timer) return;
    this.host = host;
    if (this.config.wal.enabled) {
      const dir = path.join(host.storageDir, 'store-wal');
      const wal = new StoreWal(this.store, dir, this.config.wal, host.logger.child({ component: 'store' }));
      try {
        await wal.openInSlices(this.opts.now ?? Date.now);
      } catch (err) {
        throw new Error(`store.wal: cannot restore from ${dir}: ${(err as Error).message}`);
      }
      this.wal = wal;
    }
    host.registerMetricsSource(() => storeMetricsText(this.store, this.compaction) + (this.wal ? walMetricsText(this.wal.stats()) : ''));
    this.timer = setInterval(() => this.compactNow(), this.config.compaction_interval);
    this.timer.unref();
  }

  /** One retention pass (also what the timer runs). */
  compactNow(): void {
    const r = this.store.compact((this.opts.now ?? Date.now)());
    this.compaction.runs++;
    this.compaction.droppedSeries += r.droppedSeries;
    this.compaction.droppedChunks += r.droppedChunks;
    if (r.droppedSeries > 0) this.host?.logger.debug({ dropped_series: r.droppedSeries, dropped_chunks: r.droppedChunks }, 'store: retention dropped old data');
  }

  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.wal?.close();
  }
}
