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
  /** How often retention compaction runs. */
  compaction_interval: durationSchema().default(60_000).refine((ms) => ms >= 1000, 'must be at least 1s'),
  /** Persistence of the history across restarts (agent/store/wal). */
  wal: storeWalConfigSchema.prefault({}),
});
export type StoreConfig = z.infer<typeof storeConfigSchema>;
