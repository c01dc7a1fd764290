/** The OTLP/HTTP exporter's public surface. */
export { OtlpExporter, type OtlpExporterOptions } from './exporter';
export { otlpExporterConfigSchema, type OtlpExporterConfig } from './config';
export { backoffDelay, parseRetryAfter, type BackoffSettings } from './backoff';
