/**
 * exporters.otlp: forwarding to an upstream OTLP/HTTP endpoint (usually an
 * OpenTelemetry Collector gateway). Keys follow the Collector's otlphttp
 * exporter; every key is documented in this folder's README.md.
 */
import { z } from 'zod';
import { durationSchema } from '../../config/duration';
import { secret } from '../../config/secret';
import { batchConfigSchema } from '../../processors/batch/config';

export const DEFAULT_GZIP_LEVEL = 1;

export const otlpExporterConfigSchema = z.strictObject({
  /** Base URL; /v1/traces, /v1/metrics and /v1/logs are appended. */
  endpoint: z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' }),
  encoding: z.enum(['proto', 'json']).default('proto'),
  /** Values are secrets (tokens): masked in every output. */
  headers: z.record(z.string(), secret(z.string())).default({}),
  compression: z.enum(['gzip', 'none']).default('gzip'),
  /**
   * As the Collector's confighttp compression_params: the gzip level, 1 (fastest) to 9 (smallest).
   * Default 1: on OTLP spans it costs about a third of the CPU of zlib's default 6 for a body
   * ~15 % larger (bench/ingest/testbed.bench.ts; README.md).
   */
  compression_params: z.strictObject({
    level: z.number().int().min(1).max(9).default(DEFAULT_GZIP_LEVEL),
  }).prefault({}),
  /** Per-request timeout; 0: none (as in the Collector). */
  timeout: durationSchema().default(10_000),
  sending_queue: z.strictObject({
    /**
     * disk: a durable queue under storage.dir (survives SIGKILL and restarts; bounded by max_bytes);
     * memory: the in-memory queue (bounded by queue_size; lost on exit).
     */
    storage: z.enum(['disk', 'memory']).default('disk'),
    /** disk: bytes on disk all signals together may use; beyond, the receiver answers 503 (retryable). */
    max_bytes: z.number().int().positive().default(256 * 1024 * 1024),
    /** disk: entries older than this are dropped (counted) instead of sent; 0: no limit. */
    max_age: durationSchema().default(0),
    /** disk: how often written entries are fdatasync'ed in the background (power-loss window); 0: never. */
    sync_interval: durationSchema().default(1000),
    /** memory: what queue_size counts: items (spans, data points, log records) or requests as received. */
    sizer: z.enum(['items', 'requests']).default('items'),
    /** memory: capacity of each signal's queue, in sizer units; when full the receiver answers 503 (retryable). */
    queue_size: z.number().int().positive().default(20_000),
    /** Batches of one signal in flight at once; 1 keeps delivery in order. */
    num_consumers: z.number().int().min(1).max(16).default(1),
  }).prefault({}),
  /**
   * How the exporter groups what its queue holds into requests (the queue keeps requests as
   * received, also across restarts); the same keys as the `batch` processor, which batches
   * in a pipeline before the queue.
   */
  batch: batchConfigSchema.prefault({}),
  retry_on_failure: z.strictObject({
    enabled: z.boolean().default(true),
    initial_interval: durationSchema().default(1000),
    max_interval: durationSchema().default(30_000),
    /** Give up on a batch after this long; 0 means retry forever. */
    max_elapsed_time: durationSchema().default(300_000),
    multiplier: z.number().min(1).default(1.5),
    randomization_factor: z.number().min(0).max(1).default(0.5),
  }).refine((r) => r.initial_interval > 0, {
    message: 'initial_interval must be positive (0 would retry in a tight loop)',
    path: ['initial_interval'],
  }).refine((r) => r.max_interval >= r.initial_interval, {
    message: 'max_interval must be at least initial_interval',
    path: ['max_interval'],
  }).prefault({}),
});

export type OtlpExporterConfig = z.infer<typeof otlpExporterConfigSchema>;
