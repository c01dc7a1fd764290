/**
 * The pipelines built when the config has no service.pipelines: today's
 * fixed graph, so configs written before pipelines existed behave the same.
 *
 *   traces:  otlp -> [DEFAULT_PIPELINE_PROCESSORS] -> [otlp exporter, spanmetrics]
 *   metrics: otlp -> [DEFAULT_PIPELINE_PROCESSORS] -> [otlp exporter, store]
 *   logs:    otlp -> [DEFAULT_PIPELINE_PROCESSORS] -> [otlp exporter, logmetrics]
 *
 * The otlp exporter only when exporters.otlp is configured; spanmetrics and
 * logmetrics only when enabled; a pipeline left with no exporter is left
 * out (its signal is accepted and dropped, as before).
 */
import type { Registry } from '../../component/registry';
import type { LookoutConfig } from '../../config/schema';
import type { PipelinesConfig } from './schema';

/**
 * Processors every default pipeline runs before its fan-out, in order, when
 * registered (redaction is registered by its own component; a type that is
 * not registered in this build is skipped, see defaultPipelines).
 */
export const DEFAULT_PIPELINE_PROCESSORS: readonly string[] = ['redaction'];

export function defaultPipelines(config: LookoutConfig, registry: Registry, processors: readonly string[] = DEFAULT_PIPELINE_PROCESSORS): PipelinesConfig {
  // Skipped explicitly, not an error: the default must build in every build of the agent.
  const steps = processors.filter((type) => registry.has('processor', type));
  const upstream = config.exporters.otlp ? ['otlp'] : [];
  // A configured filelog receiver feeds the logs pipeline, as the OTLP receiver does.
  const logReceivers = (config.receivers as Record<string, unknown>).filelog !== undefined ? ['otlp', 'filelog'] : ['otlp'];
  const candidates: PipelinesConfig = {
    traces: { receivers: ['otlp'], processors: steps, exporters: [...upstream, ...(config.connectors.spanmetrics.enabled ? ['spanmetrics'] : [])] },
    metrics: { receivers: ['otlp'], processors: steps, exporters: [...upstream, 'store'] },
    logs: { receivers: logReceivers, processors: steps, exporters: [...upstream, ...(config.connectors.logmetrics.enabled ? ['logmetrics'] : [])] },
  };
  const out: PipelinesConfig = {};
  for (const [name, p] of Object.entries(candidates)) {
    if (p.exporters.length) out[name] = { ...p, processors: [...p.processors] };
  }
  return out;
}
