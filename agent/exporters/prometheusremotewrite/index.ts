export { remoteWriteExporterConfigSchema, type RemoteWriteExporterConfig } from './config';
export { PrometheusRemoteWriteExporter, type RemoteWriteDeps } from './exporter';
export { createRemoteWriteExporterFactory } from './factory';
