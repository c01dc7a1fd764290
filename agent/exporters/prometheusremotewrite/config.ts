/**
 * exporters.prometheusremotewrite: Prometheus remote write 1.0 of the
 * store's series. Keys follow Prometheus' remote_write section and the
 * Collector's prometheusremotewrite exporter where they exist; every key is
 * documented in this folder's README.md.
 */
import { z } from 'zod';
import { durationSchema } from '../../config/duration';
import { secret } from '../../config/secret';
import { relabelConfigSchema } from '../../receivers/prometheus/relabel';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const remoteWriteExporterConfigSchema = z.strictObject({
  /** The receiver's URL, e.g. http://mimir:9009/api/v1/push or http://prometheus:9090/api/v1/write. */
  endpoint: z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' }),
  /** Extra request headers (e.g. X-Scope-OrgID, Authorization); values are secrets. */
  headers: z.record(z.string(), secret(z.string())).default({}),
  /** Per-request timeout. */
  timeout: durationSchema().default(30_000),
  /** Labels added to every series that does not have them already (Prometheus' global.external_labels). */
  external_labels: z.record(z.string().regex(LABEL_NAME, 'not a valid label name'), z.string()).default({}),
  /** Prometheus' write_relabel_configs, applied before external_labels. */
  write_relabel_configs: z.array(relabelConfigSchema).default([]),
  sending_queue: z.strictObject({
    /** disk: durable under storage.dir (survives restarts and SIGKILL); memory: lost on exit. */
    storage: z.enum(['disk', 'memory']).default('disk'),
    /** Bytes the queue may hold (compressed requests); beyond, new batches are dropped and counted. */
    max_bytes: z.number().int().positive().default(256 * 1024 * 1024),
    /** disk: how often written requests are fdatasync'ed in the background; 0: never. */
    sync_interval: durationSchema().default(1000),
  }).prefault({}),
  batch: z.strictObject({
    /** Samples per request at most (Prometheus' queue_config.max_samples_per_send). */
    max_samples_per_send: z.number().int().positive().default(2000),
    /** Samples waiting at most this long before they are queued (Prometheus' batch_send_deadline). */
    timeout: durationSchema().default(1000),
    /** Samples waiting to be batched at most; beyond, new samples are dropped and counted. */
    max_pending_samples: z.number().int().positive().default(500_000),
  }).prefault({}),
  retry_on_failure: z.strictObject({
    initial_interval: durationSchema().default(30),
    max_interval: durationSchema().default(5000),
    multiplier: z.number().min(1).default(2),
  }).refine((r) => r.initial_interval > 0, { message: 'initial_interval must be positive', path: ['initial_interval'] })
    .refine((r) => r.max_interval >= r.initial_interval, { message: 'max_interval must be at least initial_interval', path: ['max_interval'] })
    .prefault({}),
});

export type RemoteWriteExporterConfig = z.infer<typeof remoteWriteExporterConfigSchema>;
