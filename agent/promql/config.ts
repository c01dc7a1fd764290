/**
 * query: limits on PromQL queries, as Prometheus' --query.* flags, sized for
 * a sidecar. Every key is documented in agent/promql/README.md.
 */
import { z } from 'zod';
import { durationSchema } from '../config/duration';

export const queryConfigSchema = z.strictObject({
  /** Default and maximum run time of a query (--query.timeout); the API's `timeout` parameter can only shorten it. */
  timeout: durationSchema().default(30_000).refine((ms) => ms > 0, 'must be greater than 0'),
  /** Queries of the HTTP API evaluated at once (--query.max-concurrency); more wait in a queue. */
  max_concurrency: z.number().int().min(1).default(4),
  /** Queries that may wait for a slot; beyond this the API answers 503 at once. */
  max_queued: z.number().int().min(0).default(16),
  /** Samples one query may hold in memory (--query.max-samples); ~16 bytes each once decoded. */
  max_samples: z.number().int().min(1).default(5_000_000),
});
export type QueryConfig = z.infer<typeof queryConfigSchema>;
