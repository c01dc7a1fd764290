/**
 * Turns the configuration into components in start order (downstream
 * first): the agent's services around the pipelines, and the pipelines
 * themselves, built from component factories (agent/components.ts) by
 * agent/service/pipelines:
 *
 *   store, /metrics exposition, Prometheus API
 *   pipelines (service.pipelines, or the default ones):
 *     otlp receiver --traces--> [processors] --> [otlp exporter, spanmetrics -> store]
 *                   --metrics-> [processors] --> [otlp exporter, store]
 *                   --logs----> [processors] --> [otlp exporter, logmetrics -> store]
 *   store <-- engine <-- rules --> notifier (Slack, email, PagerDuty, webhook, Alertmanagers)
 *                             \\--> alert transitions as logs --> exporter "otlp"
 *   receivers last
 */
import type { Logger } from 'pino';
import type { Component, Consumer } from '../component/component';
import type { CreateSettings } from '../component/factory';
import type { Registry } from '../component/registry';
import { SERVICE, type ShutdownBudget } from '../component/services';
import { ConfigError, type LoadedConfig } from '../config/load';
import { builtinComponents } from '../components';
import { OtlpExporter } from '../exporters/otlp';
import { MetricsToStore } from '../translate/prometheus';
import { Notifier, alertingApiRouter } from '../alerting';
import { RuleManager, engineQueryFunc, engineTemplateQueryFunc } from '../rules';
import type { Engine } from '../promql/types';
import type { MemoryStore } from '../store';
import { StoreComponent } from './store-component';
import { expositionChunks } from '../exposition';
import { MetricsSource } from './metrics-source';
import { MountedRouter } from './mounted-router';
import { PrometheusApiComponent } from '../api/prometheus';
import { BUILD_INFO } from '../telemetry/build-info';
import { planGraph } from './pipelines/plan';
import { buildGraph, type BuiltGraph } from './pipelines/graph';
import { PrometheusReceiver } from '../receivers/prometheus';
import { targetsApiRouter } from '../api/prometheus/targets';
import { PrometheusRemoteWriteExporter } from '../exporters/prometheusremotewrite';
import { RedactionProcessor, redactingAlertSink, redactingAppender } from '../processors/redaction';
import { redactionConfigSchema, type RedactionConfig } from '../processors/redaction/config';
import { ProbesReceiver } from '../receivers/probes';
import { probesPackFiles } from '../receivers/probes/rules';

/** The job label of the agent's own metrics (its resource's service.name). */
const SELF_JOB = 'lookout';

export interface BuiltPipeline {
  /** In start order. */
  components: Component[];
  /** The pipeline graph: its components by `${kind}:${id}`, and the pipelines it was built from. */
  graph: BuiltGraph;
  store: MemoryStore;
  engine: Engine;
  /** Where the agent's own metrics go (the same path as an app's metrics). */
  selfMetricsTarget: Consumer;
}

export interface BuildOptions {
  /** When the service's shutdown must be done (ms since the epoch), once it began. */
  shutdownDeadlineAt?: () => number | undefined;
  /** The component factories (default: the built-in ones); tests register their own types. */
  registry?: Registry;
}

export function buildComponents(loaded: LoadedConfig, logger: Logger, opts: BuildOptions = {}): BuiltPipeline {
  const { config, baseDir } = loaded;
  const registry = opts.registry ?? builtinComponents();
  const { plan, problems } = planGraph(config, registry);
  if (!plan) throw new ConfigError(loaded.source, problems);

  const components: Component[] = [];
  const storeComponent = new StoreComponent(config.store, { query: config.query });
  const { store, engine } = storeComponent;
  components.push(storeComponent);
  // The store's series on /metrics, for a central Prometheus to scrape. Left out: the agent's
  // own series (job="lookout", fed back through SelfScrape; the SDK exporter already serves
  // them) and the rules' ALERTS state, which a central Prometheus computes for its own rules.
  const notExposed = (labels: Record<string, string>) =>
    labels.job === SELF_JOB || labels.__name__ === 'ALERTS' || labels.__name__ === 'ALERTS_FOR_STATE';
  // Streamed in chunks with event-loop turns between slices: large stores never block ingestion.
  components.push(new MetricsSource('exposition/store', () => expositionChunks(store, { exclude: notExposed })));
  components.push(new PrometheusApiComponent({
    engine, querier: store, metadata: store, buildInfo: { version: '2.42.0', revision: `lookout-${BUILD_INFO.version}` },
  }, config.query));

  // What factories may ask the service for (CreateSettings.service).
  const shutdown: ShutdownBudget = {
    // Leave the admin server and the rest of shutdown a little of the deadline.
    deadlineMs: Math.max(100, config.service.shutdown_timeout - 500),
    deadlineAt: () => opts.shutdownDeadlineAt?.(),
  };
  const services = new Map<string, unknown>([
    [SERVICE.store, store],
    // App metrics create series within a budget (store.max_series - store.reserved_series, and
    // store.max_new_series_per_request); the agent's own metrics use the reserve.
    [SERVICE.budgetedAppender, (source: string) => store.budgetedAppender(source, { maxNewSeriesPerRequest: config.store.max_new_series_per_request })],
    [SERVICE.shutdown, shutdown],
  ]);
  const settingsFor = (id: string): CreateSettings => ({ id, baseDir, logger, service: <T>(name: string) => services.get(name) as T | undefined });
  const graph = buildGraph(plan, settingsFor);
  components.push(...graph.inner);

  const upstream = graph.byKey.get('exporter:otlp');
  const exporter = upstream instanceof OtlpExporter ? upstream : undefined;
  if (!exporter) logger.info('no otlp exporter is configured: signals stay local (no upstream)');

  // Notifier before rules: rules hand it alerts from their first evaluation on.
  const notifier = new Notifier(config.alerting, { baseDir });
  components.push(notifier);
  components.push(new MountedRouter('api/alerting', () => alertingApiRouter(notifier)));

  // The alert path is redacted too (labels and annotations written by rules), with the redaction
  // processor's config and counters (instances of one id share their counts).
  const redaction = new RedactionProcessor('redaction', alertPathRedactionConfig(config.processors, plan), { consume: async () => undefined }, logger);
  const alertRedaction = redaction.config.enabled && redaction.config.alerts ? redaction : undefined;
  // Started (its counts join the pipelines' instances in lookout_redaction_redacted_total); it consumes nothing.
  if (alertRedaction) components.push(redaction);
  components.push(new RuleManager({
    config: config.rules,
    baseDir,
    query: engineQueryFunc(engine),
    templateQuery: engineTemplateQueryFunc(engine),
    appender: alertRedaction ? redactingAppender(store, alertRedaction) : store,
    sink: alertRedaction ? redactingAlertSink(notifier, alertRedaction) : notifier,
    // Alert transitions go upstream as log records, never into the local log counts.
    onTransition: exporter && (alertRedaction ? alertRedaction.before(exporter) : exporter),
    // TargetDown joins the default pack when probes are configured.
    extraPackFiles: probesPackFiles(config.receivers.probes !== undefined),
  }));

  // Wired around the pipelines (agent/service/pipelines/plan.ts SERVICE_WIRED): they read or
  // write the store directly. Scraped samples reach the store without a lossy round trip; with
  // `upstream` they also go to the otlp exporter, never through the store a second time.
  if (config.exporters.prometheusremotewrite) {
    components.push(new PrometheusRemoteWriteExporter('prometheusremotewrite', config.exporters.prometheusremotewrite, { store, shutdownDeadlineMs: shutdown.deadlineMs }));
  }
  let scrape: PrometheusReceiver | undefined;
  if (config.receivers.prometheus) {
    const appender = store.budgetedAppender('prometheus_scrape', {
      maxSeries: config.receivers.prometheus.max_series,
      maxNewSeriesPerRequest: config.receivers.prometheus.max_new_series_per_scrape,
    });
    scrape = new PrometheusReceiver('prometheus', config.receivers.prometheus, { appender, baseDir, upstream: exporter });
  }
  components.push(new MountedRouter('api/targets', () => targetsApiRouter(() => scrape)));
  // Probes write blackbox-style samples to the store, like a scrape.
  const probes = config.receivers.probes ? new ProbesReceiver('probes', config.receivers.probes, {
    appender: store.budgetedAppender('probes', { maxNewSeriesPerRequest: config.store.max_new_series_per_request }),
  }) : undefined;

  // Last in start order: nothing is accepted before everything downstream runs.
  components.push(...graph.receivers);
  if (scrape) components.push(scrape);
  if (probes) components.push(probes);
  return { components, graph, store, engine, selfMetricsTarget: new MetricsToStore(store) };
}

/** The redaction config for the alert path: the planned `redaction` processor's, else processors.redaction, else defaults. */
function alertPathRedactionConfig(processors: unknown, plan: { instances: Map<string, { config: unknown }> }): RedactionConfig {
  const planned = plan.instances.get('processor:redaction')?.config as RedactionConfig | undefined;
  if (planned) return planned;
  const raw = (processors as Record<string, unknown> | undefined)?.redaction;
  return (raw as RedactionConfig | undefined) ?? redactionConfigSchema.parse({});
}
