/**
 * receivers.otlp: the OTLP receiver's configuration. Every key is documented
 * in this folder's README.md. The shape follows the Collector's otlpreceiver
 * (one block per protocol; a protocol is on when its block is present), minus
 * the `protocols:` level, which a single-app sidecar does not need.
 */
import { z } from 'zod';
import { endpointSchema } from '../../config/endpoint';

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

const otlpReceiverSectionSchema = z.strictObject({
  /** OTLP/HTTP; on when present (an empty `http:` means defaults), off when absent. */
  http: otlpHttpConfigSchema.nullable().optional(),
  /** OTLP/gRPC; on when present (`grpc:` or `grpc: {}` listens on 127.0.0.1:4317), off when absent. */
  grpc: otlpGrpcConfigSchema.nullable().optional(),
});

/**
 * As in the Collector, a protocol written with no value (`http:` in YAML,
 * i.e. null) is enabled with its defaults; only leaving it out turns it off.
 */
export const otlpReceiverConfigSchema = otlpReceiverSectionSchema.transform((c) => ({
  http: c.http === null ? otlpHttpConfigSchema.parse({}) : c.http,
  grpc: c.grpc === null ? otlpGrpcConfigSchema.parse({}) : c.grpc,
}));

export type OtlpHttpConfig = z.infer<typeof otlpHttpConfigSchema>;
export type OtlpGrpcConfig = z.infer<typeof otlpGrpcConfigSchema>;
export type OtlpReceiverConfig = z.output<typeof otlpReceiverConfigSchema>;
