/** The OTLP/HTTP exporter's factory: exporters.otlp (and otlp/<name> instances, each with its own queue). */
import type { ExporterFactory } from '../../component/factory';
import { SERVICE, type ShutdownBudget } from '../../component/services';
import { otlpExporterConfigSchema, type OtlpExporterConfig } from './config';
import { OtlpExporter } from './exporter';

export const otlpExporterFactory: ExporterFactory<OtlpExporterConfig> = {
  kind: 'exporter',
  type: 'otlp',
  signals: ['traces', 'metrics', 'logs'],
  configSchema: otlpExporterConfigSchema,
  create: (settings, config) => {
    const budget = settings.service?.<ShutdownBudget>(SERVICE.shutdown);
    return new OtlpExporter(config, { id: settings.id, shutdownDeadlineMs: budget?.deadlineMs, shutdownDeadlineAt: budget?.deadlineAt });
  },
};

/** The Collector's name for the OTLP/HTTP exporter, so `exporters: { otlphttp: ... }` pastes as it is. */
export const otlphttpExporterFactory: ExporterFactory<OtlpExporterConfig> = { ...otlpExporterFactory, type: 'otlphttp' };
