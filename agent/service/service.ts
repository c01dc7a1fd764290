/**
 * The service: builds the components from config and runs their lifecycle,
 * as the Collector's service does. Start order is downstream first (store,
 * exporters, connectors, receivers last) so nothing is accepted before it can
 * be handled; shutdown is the reverse (receivers stop accepting first, the
 * exporter flushes last). The admin server is up for the whole time so
 * /readyz can say 503 while starting and stopping.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Component, Host } from '../component/component';
import type { LoadedConfig } from '../config/load';
import { prepareStorageDir } from '../config/storage-dir';
import { AdminServer } from '../admin/server';
import { SelfMetrics } from '../telemetry/self-metrics';
import { SelfScrape } from '../telemetry/self-scrape';
import { createLogger } from './logger';
import type { Registry } from '../component/registry';
import { buildComponents, type BuiltPipeline } from './build';

const SELF_SCRAPE_INTERVAL_MS = 5000;

export type ServiceState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

export interface ServiceOptions {
  logger?: Logger;
  /** The component factories (default: agent/components.ts); tests register their own types. */
  registry?: Registry;
}

export class Service {
  readonly logger: Logger;
  readonly metrics: SelfMetrics;
  readonly admin: AdminServer;
  private state: ServiceState = 'new';
  private readonly started: Component[] = [];
  private pipeline?: BuiltPipeline;
  /** Feeds the agent's own metrics into the local store, so rules can watch the agent too. */
  private readonly selfScrape = new SelfScrape(SELF_SCRAPE_INTERVAL_MS);
  private stopping?: Promise<void>;
  /** When shutdown must be done, less a margin for the components after the exporter (set when it begins). */
  private shutdownDeadlineAt?: number;

  constructor(private readonly loaded: LoadedConfig, private readonly opts: ServiceOptions = {}) {
    const { config } = loaded;
    this.logger = opts.logger ?? createLogger(config.log.level);
    this.metrics = new SelfMetrics([this.selfScrape.reader]);
    this.admin = new AdminServer(config.admin, loaded.baseDir, this.metrics, () => this.readiness(), this.logger);
  }

  get currentState(): ServiceState {
    return this.state;
  }

  /** The running components, by id (tests and the CLI read bound addresses from them). */
  component<T extends Component>(id: string): T | undefined {
    return this.pipeline?.components.find((c) => c.id === id) as T | undefined;
  }

  /** A pipeline component by kind and id ("exporter", "otlp/2"); processors by `id@pipeline`. */
  pipelineComponent<T extends Component>(kind: 'receiver' | 'processor' | 'exporter' | 'connector', id: string): T | undefined {
    return this.pipeline?.graph.byKey.get(`${kind}:${id}`) as T | undefined;
  }

  private readiness(): { ready: boolean; reason: string } {
    if (this.state === 'running') return { ready: true, reason: '' };
    return { ready: false, reason: this.state === 'new' || this.state === 'starting' ? 'starting' : 'shutting down' };
  }

  private host(): Host {
    const storageDir = path.resolve(this.loaded.baseDir, this.loaded.config.storage.dir);
    return {
      logger: this.logger,
      meter: this.metrics.meter,
      adminRouter: this.admin.router,
      registerMetricsSource: (source) => this.metrics.addSource(source),
      storageDir,
      adminAddress: () => this.admin.address,
    };
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`service cannot start from state ${this.state}`);
    this.state = 'starting';
    const host = this.host();
    // Before anything starts: an unusable storage.dir is one clear error naming it (exit 1).
    prepareStorageDir(host.storageDir);
    await this.admin.start();
    try {
      this.pipeline = buildComponents(this.loaded, this.logger, { shutdownDeadlineAt: () => this.shutdownDeadlineAt, registry: this.opts.registry });
    } catch (err) {
      // A pipeline problem (path: message) the caller did not check before: nothing was started.
      await this.shutdown();
      throw err;
    }
    this.selfScrape.setTarget(this.pipeline.selfMetricsTarget);
    for (const component of this.pipeline.components) {
      try {
        await component.start(host);
      } catch (err) {
        this.logger.error({ err, component: component.id }, 'component failed to start');
        await this.shutdown();
        throw new Error(`component ${component.id} failed to start: ${(err as Error).message}`);
      }
      this.started.push(component);
      this.logger.debug({ component: component.id }, 'component started');
    }
    this.state = 'running';
    this.logger.info({ config: this.loaded.source, components: this.started.map((c) => c.id) }, 'lookout is running');
  }

  /** Stops upstream first; idempotent; safe before start. */
  shutdown(): Promise<void> {
    this.stopping ??= this.doShutdown();
    return this.stopping;
  }

  private async doShutdown(): Promise<void> {
    this.state = 'stopping';
    this.shutdownDeadlineAt = Date.now() + Math.max(100, this.loaded.config.service.shutdown_timeout - 500);
    for (const component of [...this.started].reverse()) {
      try {
        await component.shutdown();
      } catch (err) {
        this.logger.error({ err, component: component.id }, 'component failed to shut down cleanly');
      }
    }
    this.selfScrape.setTarget(undefined);
    await this.admin.shutdown();
    await this.metrics.shutdown();
    this.state = 'stopped';
    this.logger.info('lookout stopped');
  }
}
