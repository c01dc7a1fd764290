/**
 * The exporters.prometheusremotewrite factory (agent/component/factory.ts
 * contract). It reads the store, handed over by the service as a
 * constructor dependency. It consumes no pipeline signal: its input is the
 * store, so consume() is a no-op (wire it in no pipeline, or in metrics:
 * the samples reach it through the store either way).
 */
import type { ExporterFactory } from '../../component/factory';
import { remoteWriteExporterConfigSchema, type RemoteWriteExporterConfig } from './config';
import { PrometheusRemoteWriteExporter, type RemoteWriteDeps } from './exporter';

export function createRemoteWriteExporterFactory(deps: RemoteWriteDeps): ExporterFactory<RemoteWriteExporterConfig> {
  return {
    kind: 'exporter',
    type: 'prometheusremotewrite',
    configSchema: remoteWriteExporterConfigSchema as unknown as ExporterFactory<RemoteWriteExporterConfig>['configSchema'],
    signals: ['metrics'],
    create: (settings, config) => Object.assign(new PrometheusRemoteWriteExporter(settings.id, config, deps), {
      consume: async () => {},
      neverRefuses: true,
    }),
  };
}
