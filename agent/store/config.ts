/**
 * store: the in-memory time-series store behind the PromQL engine.
 * (Issue 4 fleshes this out; keys documented in agent/store/README.md.)
 */
import { z } from 'zod';
import { durationSchema } from '../config/duration';

export const storeConfigSchema = z.strictObject({
  retention: durationSchema().default(3600_000),
  max_series: z.number().int().positive().default(100_000),
});
export type StoreConfig = z.infer<typeof storeConfigSchema>;
