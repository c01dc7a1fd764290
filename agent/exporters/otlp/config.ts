/**
 * exporters.otlp: forwarding to an upstream OTLP/HTTP endpoint (usually an
 * OpenTelemetry Collector gateway). Keys follow the Collector's otlphttp
 * exporter; every key is documented in this folder's README.md.
 */
import { z } from 'zod';
import { durationSchema } from '../../config/duration';

export const otlpExporterConfigSchema = z.strictObject({
  /** Base URL; /v1/traces, /v1/metrics and /v1/logs are appended. */
  endpoint: z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' }),
  encoding: z.enum(['proto', 'json']).default('proto'),
  headers: z.record(z.string(), z.string()).default({}),
  compression: z.enum(['gzip', 'none']).default('gzip'),
  /** Per-request timeout. */
  timeout: durationSchema().default(10_000),
  sending_queue: z.strictObject({
    /** Maximum number of batches waiting; when full the receiver answers 503 (retryable). */
    queue_size: z.number().int().positive().default(1000),
  }).prefault({}),
  batch: z.strictObject({
    /** Flush once this many items (spans, data points, log records) are waiting. */
    send_batch_size: z.number().int().positive().default(8192),
    /** Flush at least this often. */
    timeout: durationSchema().default(200),
  }).prefault({}),
  retry_on_failure: z.strictObject({
    enabled: z.boolean().default(true),
    initial_interval: durationSchema().default(1000),
    max_interval: durationSchema().default(30_000),
    /** Give up on a batch after this long; 0 means retry forever. */
    max_elapsed_time: durationSchema().default(300_000),
    multiplier: z.number().min(1).default(1.5),
    randomization_factor: z.number().min(0).max(1).default(0.5),
  }).prefault({}),
});

export type OtlpExporterConfig = z.infer<typeof otlpExporterConfigSchema>;
