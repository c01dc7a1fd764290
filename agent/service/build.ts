/**
 * Turns the configuration into components in start order (downstream
 * first) and wires the signal routes between them.
 */
import type { Logger } from 'pino';
import type { Component } from '../component/component';
import type { LoadedConfig } from '../config/load';
import { OtlpReceiver } from '../receivers/otlp';
import { OtlpExporter } from '../exporters/otlp';
import { SignalRouter } from './signal-router';

export interface BuiltPipeline {
  /** In start order. */
  components: Component[];
  /** Shared objects components find through host.getExtension(id). */
  extensions: Map<string, unknown>;
  router: SignalRouter;
}

export function buildComponents(loaded: LoadedConfig, logger: Logger): BuiltPipeline {
  const { config } = loaded;
  const components: Component[] = [];
  const extensions = new Map<string, unknown>();
  const router = new SignalRouter();

  if (config.exporters.otlp) {
    // Leave the admin server and the rest of shutdown a little of the deadline.
    const shutdownDeadlineMs = Math.max(100, config.service.shutdown_timeout - 500);
    const exporter = new OtlpExporter(config.exporters.otlp, { shutdownDeadlineMs });
    components.push(exporter);
    for (const signal of ['traces', 'metrics', 'logs'] as const) router.subscribe(signal, exporter);
  } else {
    logger.info('exporters.otlp is not configured: signals stay local (no upstream)');
  }

  // Last in start order: nothing is accepted before everything downstream runs.
  components.push(new OtlpReceiver(config.receivers.otlp, router));
  return { components, extensions, router };
}
