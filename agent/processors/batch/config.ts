/**
 * processors.batch (and the exporter's `batch` section, which groups what
 * its queue holds the same way): the Collector's batch processor keys.
 * Every key is documented in this folder's README.md.
 */
import { z } from 'zod';
import { durationSchema } from '../../config/duration';

export const batchConfigSchema = z.strictObject({
  /** Send once this many items (spans, data points, log records) are waiting. */
  send_batch_size: z.number().int().positive().default(8192),
  /** Split batches (and single requests) larger than this; 0: no limit. */
  send_batch_max_size: z.number().int().min(0).default(0),
  /** Send what is waiting at least this often; 0: send every request at once (no waiting). */
  timeout: durationSchema().default(200),
}).refine((b) => b.send_batch_max_size === 0 || b.send_batch_max_size >= b.send_batch_size, {
  message: 'send_batch_max_size must be 0 (no limit) or at least send_batch_size',
  path: ['send_batch_max_size'],
});

export type BatchConfig = z.infer<typeof batchConfigSchema>;
