/**
 * store: the in-memory time-series store behind the PromQL engine, and the
 * engine settings that depend on it. Every key is documented in this
 * folder's README.md.
 */
import { z } from 'zod';
import { durationSchema } from '../config/duration';
import { storeWalConfigSchema } from './wal/config';

export const storeConfigSchema = z.strictObject({
  /** How long samples are kept; older chunks and series are dropped by compaction. */
  retention: durationSchema().default(3600_000).refine((ms) => ms > 0, 'must be greater than 0'),
  /** New series beyond this many are refused (counted and logged), so cardinality cannot exhaust memory. */
  max_series: z.number().int().positive().default(100_000),
  /** How far back an instant vector selector looks for a sample (Prometheus' --query.lookback-delta). */
  lookback_delta: durationSchema().default(300_000).refine((ms) => ms > 0, 'must be greater than 0'),
  /**
   * Series of max_series kept for the agent's own writers (spanmetrics, logmetrics, recording rules,
   * ALERTS, self-metrics): app metrics sent over OTLP may hold at most max_series - reserved_series.
   * Default 20 % of max_series.
   */
  reserved_series: z.number().int().min(0).optional(),
  /** Most new series one OTLP metrics request may create; the rest of its new series are refused. 0 = no limit. */
  max_new_series_per_request: z.number().int().min(0).default(10_000),
  /** Most labels per series (Prometheus' label_limit), __name__ included; 0 = no limit. */
  label_limit: z.number().int().min(0).default(64),
  /** Longest label name (Prometheus' label_name_length_limit); longer ones refuse the series. 0 = no limit. */
  label_name_length_limit: z.number().int().min(0).default(256),
  /** Longest label value (Prometheus' label_value_length_limit); longer values are truncated, ending in "…". 0 = no limit. */
  label_value_length_limit: z.number().int().min(0).default(2048),
  /** New series are refused while the label text held exceeds this many bytes; 0 = no limit. */
  max_label_bytes: z.number().int().min(0).default(64 * 1024 * 1024),
  /** Samples stamped more than this ahead of the agent's clock are refused; 0s = no check. */
  max_future: durationSchema().default(600_000),
  /** How often retention compaction runs. */
  compaction_interval: durationSchema().default(60_000).refine((ms) => ms >= 1000, 'must be at least 1s'),
  /** Persistence of the history across restarts (agent/store/wal). */
  wal: storeWalConfigSchema.prefault({}),
}).superRefine((c, ctx) => {
  if (c.reserved_series !== undefined && c.reserved_series >= c.max_series) {
    ctx.addIssue({ code: 'custom', path: ['reserved_series'], message: `must be less than max_series (${c.max_series})` });
  }
});
export type StoreConfig = z.infer<typeof storeConfigSchema>;
