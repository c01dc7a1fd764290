/**
 * Turns the configuration into components in start order (downstream
 * first) and wires the signal routes between them:
 *
 *   receiver --> SignalRouter --traces--> [exporter, spanmetrics -> store]
 *                             --metrics-> [exporter, metrics-to-store -> store]
 *                             --logs----> [exporter, logmetrics -> store]
 *   store <-- engine <-- rules --> notifier (Slack, email, PagerDuty, webhook, Alertmanagers)
 *                             \\--> alert transitions as logs --> exporter
 */
import type { Logger } from 'pino';
import type { Component, Consumer } from '../component/component';
import type { LoadedConfig } from '../config/load';
import { OtlpReceiver } from '../receivers/otlp';
import { OtlpExporter } from '../exporters/otlp';
import { MetricsToStore } from '../translate/prometheus';
import { SpanMetricsConnector } from '../connectors/spanmetrics';
import { LogMetricsConnector } from '../connectors/logmetrics';
import { Notifier, alertingApiRouter } from '../alerting';
import { RuleManager, engineQueryFunc, engineTemplateQueryFunc } from '../rules';
import type { Engine } from '../promql/types';
import type { MemoryStore } from '../store';
import { SignalRouter } from './signal-router';
import { StoreComponent } from '../store';
import { expositionChunks } from '../exposition';
import { MetricsSource } from './metrics-source';
import { MountedRouter } from './mounted-router';
import { PrometheusApiComponent } from '../api/prometheus';
import { BUILD_INFO } from '../telemetry/build-info';
// --- filelog-probes wiring (moves to the factory registry at merge) ---
import { FilelogReceiver } from '../receivers/filelog';
import { ProbesReceiver } from '../receivers/probes';
import { probesPackFiles } from '../receivers/probes/rules';
// --- end filelog-probes wiring ---

/** The job label of the agent's own metrics (its resource's service.name). */
const SELF_JOB = 'lookout';

export interface BuiltPipeline {
  /** In start order. */
  components: Component[];
  /** Shared objects components find through host.getExtension(id). */
  extensions: Map<string, unknown>;
  router: SignalRouter;
  store: MemoryStore;
  engine: Engine;
  /** Where the agent's own metrics go (the same path as an app's metrics). */
  selfMetricsTarget: Consumer;
}

export interface BuildOptions {
  /** When the service's shutdown must be done (ms since the epoch), once it began. */
  shutdownDeadlineAt?: () => number | undefined;
}

export function buildComponents(loaded: LoadedConfig, logger: Logger, opts: BuildOptions = {}): BuiltPipeline {
  const { config, baseDir } = loaded;
  const components: Component[] = [];
  const extensions = new Map<string, unknown>();
  const router = new SignalRouter();

  const storeComponent = new StoreComponent(config.store, { query: config.query });
  const { store, engine } = storeComponent;
  extensions.set('store', store);
  extensions.set('engine', engine);
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

  let exporter: OtlpExporter | undefined;
  if (config.exporters.otlp) {
    // Leave the admin server and the rest of shutdown a little of the deadline.
    const shutdownDeadlineMs = Math.max(100, config.service.shutdown_timeout - 500);
    exporter = new OtlpExporter(config.exporters.otlp, { shutdownDeadlineMs, shutdownDeadlineAt: opts.shutdownDeadlineAt });
    components.push(exporter);
    for (const signal of ['traces', 'metrics', 'logs'] as const) router.subscribe(signal, exporter);
  } else {
    logger.info('exporters.otlp is not configured: signals stay local (no upstream)');
  }

  // Notifier before rules: rules hand it alerts from their first evaluation on.
  const notifier = new Notifier(config.alerting, { baseDir });
  extensions.set('notifier', notifier);
  components.push(notifier);
  components.push(new MountedRouter('api/alerting', () => alertingApiRouter(notifier)));

  components.push(new RuleManager({
    config: config.rules,
    baseDir,
    query: engineQueryFunc(engine),
    templateQuery: engineTemplateQueryFunc(engine),
    appender: store,
    sink: notifier,
    // Alert transitions go upstream as log records, never into the local log counts.
    onTransition: exporter,
    // --- filelog-probes wiring: TargetDown joins the default pack when probes are configured ---
    extraPackFiles: probesPackFiles(config.receivers.probes !== undefined),
  }));

  // App metrics create series within a budget (store.max_series - store.reserved_series, and
  // store.max_new_series_per_request); the agent's own metrics use the reserve.
  const toStore = new MetricsToStore(store.budgetedAppender('otlp_metrics', { maxNewSeriesPerRequest: config.store.max_new_series_per_request }));
  components.push(toStore);
  router.subscribe('metrics', toStore);
  const selfToStore = new MetricsToStore(store);
  if (config.connectors.spanmetrics.enabled) {
    const spanmetrics = new SpanMetricsConnector(config.connectors.spanmetrics, store);
    components.push(spanmetrics);
    router.subscribe('traces', spanmetrics);
  }
  if (config.connectors.logmetrics.enabled) {
    const logmetrics = new LogMetricsConnector(config.connectors.logmetrics, store);
    components.push(logmetrics);
    router.subscribe('logs', logmetrics);
  }

  // Last in start order: nothing is accepted before everything downstream runs.
  components.push(new OtlpReceiver(config.receivers.otlp, router));
  // --- filelog-probes wiring (moves to the factory registry at merge) ---
  // Filelog records take the logs pipeline (exporter, logmetrics); probes write samples to the store.
  if (config.receivers.filelog) components.push(new FilelogReceiver('filelog', config.receivers.filelog, router, { baseDir }));
  if (config.receivers.probes) {
    components.push(new ProbesReceiver('probes', config.receivers.probes, {
      appender: store.budgetedAppender('probes', { maxNewSeriesPerRequest: config.store.max_new_series_per_request }),
    }));
  }
  // --- end filelog-probes wiring ---
  return { components, extensions, router, store, engine, selfMetricsTarget: selfToStore };
}
