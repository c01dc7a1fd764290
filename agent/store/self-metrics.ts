/**
 * The store's own metrics in Prometheus text format, for the admin /metrics
 * (Host.registerMetricsSource): series count, samples and bytes held,
 * refused samples by reason, retention compaction results.
 */
import type { MemoryStore } from './memory-store';

export interface CompactionTotals { runs: number; droppedSeries: number; droppedChunks: number }

export function storeMetricsText(store: MemoryStore, compaction: CompactionTotals): string {
  const s = store.stats();
  const lines = [
    '# HELP lookout_store_series Series currently held by the in-memory store.',
    '# TYPE lookout_store_series gauge',
    `lookout_store_series ${s.series}`,
    '# HELP lookout_store_series_limit Most series the store accepts (store.max_series).',
    '# TYPE lookout_store_series_limit gauge',
    `lookout_store_series_limit ${store.maxSeries}`,
    '# HELP lookout_store_samples Samples currently held by the in-memory store.',
    '# TYPE lookout_store_samples gauge',
    `lookout_store_samples ${s.samples}`,
    '# HELP lookout_store_sample_bytes Bytes held by sample data (raw heads and compressed chunks).',
    '# TYPE lookout_store_sample_bytes gauge',
    `lookout_store_sample_bytes ${s.sampleBytes}`,
    '# HELP lookout_store_refused_samples_total Samples refused, by reason (series_limit: a new series beyond store.max_series; out_of_order: not newer than the series\' newest sample).',
    '# TYPE lookout_store_refused_samples_total counter',
    `lookout_store_refused_samples_total{reason="series_limit"} ${s.refusedSamples.series_limit}`,
    `lookout_store_refused_samples_total{reason="out_of_order"} ${s.refusedSamples.out_of_order}`,
    '# HELP lookout_store_compactions_total Retention compaction runs.',
    '# TYPE lookout_store_compactions_total counter',
    `lookout_store_compactions_total ${compaction.runs}`,
    '# HELP lookout_store_dropped_series_total Series dropped by retention.',
    '# TYPE lookout_store_dropped_series_total counter',
    `lookout_store_dropped_series_total ${compaction.droppedSeries}`,
    '# HELP lookout_store_dropped_chunks_total Compressed chunks dropped by retention.',
    '# TYPE lookout_store_dropped_chunks_total counter',
    `lookout_store_dropped_chunks_total ${compaction.droppedChunks}`,
  ];
  return lines.join('\n') + '\n';
}
