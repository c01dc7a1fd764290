/**
 * The store's own metrics in Prometheus text format, for the admin /metrics
 * (Host.registerMetricsSource): series count, samples and bytes held,
 * refused samples by reason, retention compaction results.
 */
import { REFUSAL_REASONS, type MemoryStore } from './memory-store';

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
    '# HELP lookout_store_refused_samples_total Samples refused, by reason (see agent/store/README.md: series_limit, source_series_limit, request_series_limit, label_bytes_limit, label_limit, label_name_length, too_far_in_future, out_of_order).',
    '# TYPE lookout_store_refused_samples_total counter',
    ...REFUSAL_REASONS.map((r) => `lookout_store_refused_samples_total{reason="${r}"} ${s.refusedSamples[r]}`),
    '# HELP lookout_store_truncated_label_values_total Label values of new series cut to store.label_value_length_limit.',
    '# TYPE lookout_store_truncated_label_values_total counter',
    `lookout_store_truncated_label_values_total ${s.truncatedLabelValues}`,
    '# HELP lookout_store_label_bytes Bytes of label text held by the store (2 per UTF-16 code unit; bounded by store.max_label_bytes).',
    '# TYPE lookout_store_label_bytes gauge',
    `lookout_store_label_bytes ${s.labelBytes}`,
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
