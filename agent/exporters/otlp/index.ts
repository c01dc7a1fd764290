/** The OTLP/HTTP exporter's public surface. */
export { OtlpExporter, DEFAULT_SHUTDOWN_DEADLINE_MS, type OtlpExporterOptions } from './exporter';
export { otlpExporterConfigSchema, type OtlpExporterConfig } from './config';
export { ExporterTelemetry, createExporterTelemetry, type DropReason } from './telemetry';
export { backoffDelay, parseRetryAfter, type BackoffSettings } from './backoff';
