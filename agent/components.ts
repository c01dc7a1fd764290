/**
 * The built-in component factories, one line each. Adding a component:
 * a new folder with its factory, README and tests, and one line here.
 */
import { Registry } from './component/registry';
import { otlpReceiverFactory } from './receivers/otlp/factory';
import { batchProcessorFactory } from './processors/batch';
import { memoryLimiterProcessorFactory } from './processors/memorylimiter';
import { otlpExporterFactory, otlphttpExporterFactory } from './exporters/otlp/factory';
import { storeExporterFactory } from './translate/prometheus/store-exporter';
import { spanmetricsConnectorFactory } from './connectors/spanmetrics/factory';
import { logmetricsConnectorFactory } from './connectors/logmetrics/factory';
import { processorFactories } from './processors';
import { filelogReceiverFactory } from './receivers/filelog/factory';

export function builtinComponents(): Registry {
  const registry = new Registry()
    .register(otlpReceiverFactory)
    .register(filelogReceiverFactory)
    .register(batchProcessorFactory)
    .register(memoryLimiterProcessorFactory)
    .register(otlpExporterFactory)
    .register(otlphttpExporterFactory)
    .register(storeExporterFactory)
    .register(spanmetricsConnectorFactory)
    .register(logmetricsConnectorFactory);
  // redaction (on by default in the default pipelines), attributes, resource, filter.
  for (const factory of processorFactories) registry.register(factory);
  return registry;
}
