/**
 * receivers.otlp: the OTLP receiver's configuration. Every key is documented
 * in this folder's README.md. The shape follows the Collector's otlpreceiver
 * (one block per protocol; a protocol is on when its block is present). The
 * Collector's `protocols:` level is accepted too (so Collector configs paste
 * as they are); writing a protocol both there and at the top is an error.
 */
import { z } from 'zod';
import { endpointSchema } from '../../config/endpoint';
import { durationSchema } from '../../config/duration';

export const DEFAULT_MAX_REQUEST_BODY_SIZE = 16 * 1024 * 1024;
export const DEFAULT_HTTP_ENDPOINT = '127.0.0.1:4318';
export const DEFAULT_GRPC_ENDPOINT = '127.0.0.1:4317';
/** The Collector's (and gRPC's) default receive limit per message. */
export const DEFAULT_MAX_RECV_MSG_SIZE_MIB = 4;

const urlPath = () => z.string().startsWith('/', { message: 'must start with "/", e.g. /v1/traces' });

export const otlpHttpConfigSchema = z.strictObject({
  endpoint: endpointSchema().default(DEFAULT_HTTP_ENDPOINT),
  /** Limit on the wire body and on the decompressed body; larger requests get 413. */
  max_request_body_size: z.number().int().positive().default(DEFAULT_MAX_REQUEST_BODY_SIZE),
  traces_url_path: urlPath().default('/v1/traces'),
  metrics_url_path: urlPath().default('/v1/metrics'),
  logs_url_path: urlPath().default('/v1/logs'),
}).superRefine((cfg, ctx) => {
  // Two signals on one path would silently send one signal's data to the other's pipeline.
  const seen = new Map<string, string>();
  for (const key of ['traces_url_path', 'metrics_url_path', 'logs_url_path'] as const) {
    const other = seen.get(cfg[key]);
    if (other) ctx.addIssue({ code: 'custom', path: [key], message: `${JSON.stringify(cfg[key])} is already used by ${other}; each signal needs its own path` });
    else seen.set(cfg[key], key);
  }
});

export const otlpGrpcConfigSchema = z.strictObject({
  endpoint: endpointSchema().default(DEFAULT_GRPC_ENDPOINT),
  /** Largest accepted message (after decompression) in MiB; larger ones get RESOURCE_EXHAUSTED. */
  max_recv_msg_size_mib: z.number().positive().max(1024).default(DEFAULT_MAX_RECV_MSG_SIZE_MIB),
});

/** Per-item limits applied before the data reaches any consumer (rejected items are reported as partial success). */
export const otlpLimitsSchema = z.strictObject({
  /** Data points stamped more than this ahead of the agent's clock are rejected; 0s = no check. */
  max_future: durationSchema().default(600_000),
  /** Histogram points with more buckets (explicit bounds + 1, or exponential positive + negative + zero) are rejected; 0 = no limit. */
  max_histogram_buckets: z.number().int().min(0).default(320),
}).prefault({});

/** The Collector's memory_limiter ideas, checked before a request body is read. */
export const memoryLimiterSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** How often RSS is measured. */
  check_interval: durationSchema().default(1000).refine((ms) => ms >= 10, 'must be at least 10ms'),
  /** Hard limit in MiB; default 80 % of the container's memory limit (cgroup v2/v1), else of the machine's memory. */
  limit_mib: z.number().positive().optional(),
  /** Refusing starts at limit_mib - spike_limit_mib; default 20 % of limit_mib. */
  spike_limit_mib: z.number().min(0).optional(),
  /** Also refuse while the V8 heap in use exceeds this % of V8's heap limit (--max-old-space-size); 0 = off. */
  heap_limit_percentage: z.number().min(0).max(100).default(85),
}).prefault({}).superRefine((c, ctx) => {
  if (c.limit_mib !== undefined && c.spike_limit_mib !== undefined && c.spike_limit_mib >= c.limit_mib) {
    ctx.addIssue({ code: 'custom', path: ['spike_limit_mib'], message: `must be less than limit_mib (${c.limit_mib})` });
  }
});

/** Retry-After on 503 answers (back-pressure and memory limiter): doubles while refusals go on. */
export const retryAfterSchema = z.strictObject({
  initial: durationSchema().default(1000).refine((ms) => ms >= 1000, 'must be at least 1s (Retry-After is whole seconds)'),
  max: durationSchema().default(32_000),
}).prefault({}).superRefine((c, ctx) => {
  if (c.max < c.initial) ctx.addIssue({ code: 'custom', path: ['max'], message: 'must be at least retry_after.initial' });
});

const otlpReceiverSectionSchema = z.strictObject({
  /** OTLP/HTTP; on when present (an empty `http:` means defaults), off when absent. */
  http: otlpHttpConfigSchema.nullable().optional(),
  /** OTLP/gRPC; on when present (`grpc:` or `grpc: {}` listens on 127.0.0.1:4317), off when absent. */
  grpc: otlpGrpcConfigSchema.nullable().optional(),
  /** The Collector's shape: `protocols: { http: ..., grpc: ... }`, the same as writing them at the top. */
  protocols: z.strictObject({
    http: otlpHttpConfigSchema.nullable().optional(),
    grpc: otlpGrpcConfigSchema.nullable().optional(),
  }).optional(),
  limits: otlpLimitsSchema,
  memory_limiter: memoryLimiterSchema,
  retry_after: retryAfterSchema,
  /**
   * After the pipeline refused a signal's request with back-pressure (the exporter's queue full),
   * further requests of that signal are refused unread for this long (503, never decoded), so an
   * overload is not made worse by decoding what will be refused; 0s: always decode and try.
   */
  back_pressure_hold: durationSchema().default(100),
}).superRefine((c, ctx) => {
  for (const p of ['http', 'grpc'] as const) {
    if (c.protocols?.[p] !== undefined && c[p] !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['protocols', p], message: `${p} is also configured at the top level: write it in one place` });
    }
  }
});

/**
 * As in the Collector, a protocol written with no value (`http:` in YAML,
 * i.e. null) is enabled with its defaults; only leaving it out turns it off.
 */
export const otlpReceiverConfigSchema = otlpReceiverSectionSchema.transform((c) => {
  const http = c.http !== undefined ? c.http : c.protocols?.http;
  const grpc = c.grpc !== undefined ? c.grpc : c.protocols?.grpc;
  return {
    http: http === null ? otlpHttpConfigSchema.parse({}) : http,
    grpc: grpc === null ? otlpGrpcConfigSchema.parse({}) : grpc,
    limits: c.limits,
    memory_limiter: c.memory_limiter,
    retry_after: c.retry_after,
    back_pressure_hold: c.back_pressure_hold,
  };
});

export type OtlpHttpConfig = z.infer<typeof otlpHttpConfigSchema>;
export type OtlpGrpcConfig = z.infer<typeof otlpGrpcConfigSchema>;
export type OtlpReceiverConfig = z.output<typeof otlpReceiverConfigSchema>;
export type OtlpLimitsConfig = z.infer<typeof otlpLimitsSchema>;
export type RetryAfterConfig = z.infer<typeof retryAfterSchema>;
