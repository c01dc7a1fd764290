/**
 * Hot reload (SIGHUP, POST /-/reload), Prometheus' way: the config file and
 * everything it references (rule files, web config, token file) are read
 * and validated first; on any problem nothing changes, the old config keeps
 * running, lookout_config_last_reload_successful goes to 0 and one log line
 * lists every problem as `path: message`. A valid config is applied in
 * place by the components that can (rules: new groups, alert state kept;
 * alerting: new routing/receivers/forwarding, alerts, silences and
 * notification log kept; exporter: new settings, same queue; admin:
 * credentials, CORS, limits, certificate). What the running process cannot
 * apply in place (listen addresses, storage, store and connector settings,
 * the exporter's presence or queue, the log level) is reported as "needs restart", never
 * silently ignored.
 */
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Component } from '../component/component';
import type { Service } from './service';
import type { AdminServer, ReloadOutcome } from '../admin/server';
import { AdminSecurityError, loadAdminSecurity } from '../admin/security';
import type { Notifier } from '../alerting';
import { ConfigError, loadConfigFile, type ConfigProblem, type LoadedConfig } from '../config/load';
import { validateReferencedFiles } from '../config/referenced';
import { maskedConfigYaml, type SecretScrubber } from '../config/scrub';
import { OtlpExporter } from '../exporters/otlp';
import type { RuleManager } from '../rules';
import { pipelineProblems } from './pipelines/validate';

export interface ReloadTargets {
  admin: AdminServer;
  logger: Logger;
  meter: Meter;
  /** A running component by id (service.component). */
  component(id: string): Component | undefined;
  scrubber?: SecretScrubber;
}

/** Sections no component can apply in place: a change needs a restart. */
const RESTART_SECTIONS = ['receivers', 'processors', 'storage', 'store', 'connectors'] as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export class ConfigReloader {
  private current: LoadedConfig;
  private lastOk = 1;
  private lastSuccess = Date.now() / 1000;
  private running?: Promise<ReloadOutcome>;

  constructor(initial: LoadedConfig, private readonly t: ReloadTargets) {
    this.current = initial;
    t.meter.createObservableGauge('lookout_config_last_reload_successful', {
      description: 'Whether the last configuration reload attempt was successful.',
    }).addCallback((o) => o.observe(this.lastOk));
    t.meter.createObservableGauge('lookout_config_last_reload_success_timestamp_seconds', {
      description: 'Timestamp of the last successful configuration reload (start-up counts).', unit: 's',
    }).addCallback((o) => o.observe(this.lastSuccess));
  }

  get config(): LoadedConfig {
    return this.current;
  }

  /** One reload at a time: a second request while one runs gets the same outcome. */
  reload(): Promise<ReloadOutcome> {
    this.running ??= this.doReload().finally(() => { this.running = undefined; });
    return this.running;
  }

  private validate(): { next?: LoadedConfig; problems: ConfigProblem[] } {
    const source = this.current.source;
    if (source === '(embedded default)') return { problems: [{ path: '(config)', message: 'running the embedded default config (no --config): nothing to reload' }] };
    let next: LoadedConfig;
    try {
      next = loadConfigFile(source);
    } catch (err) {
      if (err instanceof ConfigError) return { problems: err.problems };
      return { problems: [{ path: '(config)', message: (err as Error).message }] };
    }
    // Secrets of the new config are scrubbed before anything about it can be logged.
    this.t.scrubber?.addConfig(next.raw);
    const problems = [...validateReferencedFiles(next), ...pipelineProblems(next)];
    return { next, problems };
  }

  private async doReload(): Promise<ReloadOutcome> {
    const { logger } = this.t;
    const { next, problems } = this.validate();
    if (!next || problems.length) {
      this.lastOk = 0;
      const lines = problems.map((p) => `${p.path}: ${p.message}`);
      logger.error({ config: this.current.source, problems: lines }, `config reload failed, still running the previous config: ${lines.join('; ')}`);
      return { ok: false, problems: lines, needsRestart: [] };
    }
    let needsRestart: string[];
    try {
      needsRestart = this.apply(next);
    } catch (err) {
      // validate() checked what apply() reads; reaching this is a bug or a file changed in between.
      this.lastOk = 0;
      const message = err instanceof AdminSecurityError ? err.message : (err as Error).message;
      logger.error({ config: this.current.source, err: message }, `config reload failed while applying: ${message}`);
      return { ok: false, problems: [message], needsRestart: [] };
    }
    this.current = next;
    this.lastOk = 1;
    this.lastSuccess = Date.now() / 1000;
    if (needsRestart.length) {
      logger.warn({ config: next.source, needsRestart }, `config reloaded; these changes need a restart to take effect: ${needsRestart.join(', ')}`);
    } else {
      logger.info({ config: next.source }, 'config reloaded');
    }
    return { ok: true, problems: [], needsRestart };
  }

  /** Everything that may throw is first (admin's files), then the in-place swaps. */
  private apply(next: LoadedConfig): string[] {
    const old = this.current.config;
    const cfg = next.config;
    const needsRestart: string[] = [];
    loadAdminSecurity(cfg.admin, next.baseDir);
    for (const s of RESTART_SECTIONS) if (!same(old[s], cfg[s])) needsRestart.push(s);
    if (old.service.shutdown_timeout !== cfg.service.shutdown_timeout) needsRestart.push('service.shutdown_timeout');
    if (!same(old.service.pipelines, cfg.service.pipelines)) needsRestart.push('service.pipelines');
    // Exporters other than exporters.otlp (otlp/<name>, store) are built once: a change needs a restart.
    const others = (c: typeof cfg) => Object.fromEntries(Object.entries(c.exporters as Record<string, unknown>).filter(([id]) => id !== 'otlp'));
    if (!same(others(old), others(cfg))) needsRestart.push('exporters (other than exporters.otlp)');

    const rules = this.t.component('rules') as RuleManager | undefined;
    // Always: the rule files may have changed even when the section did not.
    rules?.applyConfig(cfg.rules);

    const notifier = this.t.component('alerting') as Notifier | undefined;
    if (notifier && !same(old.alerting, cfg.alerting)) notifier.applyConfig(cfg.alerting);
    else if (notifier && cfg.alerting.templates.length) notifier.reloadTemplates();

    const found = this.t.component('otlp');
    const exporter = found instanceof OtlpExporter ? found : undefined;
    if (Boolean(old.exporters.otlp) !== Boolean(cfg.exporters.otlp)) needsRestart.push('exporters.otlp (adding or removing the upstream)');
    else if (exporter && cfg.exporters.otlp && !same(old.exporters.otlp, cfg.exporters.otlp)) {
      needsRestart.push(...exporter.applyConfig(cfg.exporters.otlp));
    }

    needsRestart.push(...this.t.admin.applyConfig(cfg.admin));
    // Components hold child loggers, which keep the level they were created with.
    if (old.log.level !== cfg.log.level) needsRestart.push('log.level');
    return needsRestart;
  }
}

/** The reloader of a service, wired to its admin server: POST /-/reload and GET /api/v1/status/config (masked). */
export function attachReloader(service: Service, loaded: LoadedConfig, scrubber?: SecretScrubber): ConfigReloader {
  const reloader = new ConfigReloader(loaded, {
    admin: service.admin, logger: service.logger, meter: service.metrics.meter, scrubber,
    component: (id) => service.component(id),
  });
  service.admin.setStatusConfig(() => maskedConfigYaml(reloader.config));
  service.admin.setReloadHandler(async () => {
    if (service.currentState !== 'running') return { ok: false, problems: [`(service): the agent is ${service.currentState}, not running: retry once /readyz answers 200`], needsRestart: [] };
    return reloader.reload();
  });
  return reloader;
}
