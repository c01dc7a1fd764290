/**
 * Config keys both metrics-deriving connectors share (spanmetrics and
 * logmetrics), named as in the Collector's spanmetrics connector where it
 * has them (metrics_flush_interval, metrics_expiration,
 * aggregation_cardinality_limit).
 */
import { z } from 'zod';
import { durationSchema } from '../../config/duration';

export const derivedMetricsKeys = {
  /** How often changed series are written to the store; 0s writes after every batch. */
  metrics_flush_interval: durationSchema().default(1000),
  /** Unchanged series are written again this often, so they stay fresh and rate() of an idle service is 0. */
  metrics_resend_interval: durationSchema()
    .refine((ms) => ms >= 1000, { message: 'must be at least 1s' })
    .default(15_000),
  /** Series with no new items for this long are marked stale and dropped; 0s keeps them forever. */
  metrics_expiration: durationSchema().default(0),
  /** Most label sets per metric; further ones are counted in one otel_metric_overflow="true" series. 0 = no limit. */
  aggregation_cardinality_limit: z.number().int().min(0).default(2000),
};

export interface DerivedMetricsConfig {
  metrics_flush_interval: number;
  metrics_resend_interval: number;
  metrics_expiration: number;
  aggregation_cardinality_limit: number;
}

export function derivedMetricsOptions(c: DerivedMetricsConfig) {
  return {
    resendIntervalMs: c.metrics_resend_interval,
    expirationMs: c.metrics_expiration,
    cardinalityLimit: c.aggregation_cardinality_limit,
  };
}
