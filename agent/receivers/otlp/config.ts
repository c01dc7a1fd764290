/**
 * receivers.otlp: the OTLP receiver's configuration. Every key is documented
 * in this folder's README.md.
 */
import { z } from 'zod';
import { endpointSchema } from '../../config/endpoint';

export const DEFAULT_MAX_REQUEST_BODY_SIZE = 16 * 1024 * 1024;

export const otlpHttpConfigSchema = z.strictObject({
  endpoint: endpointSchema().default('127.0.0.1:4318'),
  /** Limit on the decompressed body; larger requests get 413. */
  max_request_body_size: z.number().int().positive().default(DEFAULT_MAX_REQUEST_BODY_SIZE),
  traces_url_path: z.string().startsWith('/').default('/v1/traces'),
  metrics_url_path: z.string().startsWith('/').default('/v1/metrics'),
  logs_url_path: z.string().startsWith('/').default('/v1/logs'),
});

export const otlpReceiverConfigSchema = z.strictObject({
  http: otlpHttpConfigSchema.nullable().optional(),
});

export type OtlpHttpConfig = z.infer<typeof otlpHttpConfigSchema>;
export type OtlpReceiverConfig = z.infer<typeof otlpReceiverConfigSchema>;
