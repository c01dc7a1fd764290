/**
 * receivers.prometheus as a component: one scrape pool per scrape_configs
 * job, one ScrapeLoop per target, targets from static_configs and
 * file_sd_configs (re-read every refresh_interval; a target that went away
 * gets its series marked stale). Samples go straight to the store through a
 * budgeted Appender handed over by the service (no OTLP round trip).
 */
import path from 'node:path';
import type { Counter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Component, Consumer, Host } from '../../component/component';
import type { Appender, Labels } from '../../store';
import type { BudgetedAppender } from '../../store/memory-store';
import { labelsKey } from '../../store/labels';
import { jobTiming, type PrometheusReceiverConfig, type ScrapeConfig, type TargetGroup } from './config';
import { expandFilePattern, readTargetFile } from './file-sd';
import { Relabeler } from './relabel';
import { ScrapeLoop, type ScrapeReport } from './scrape-loop';
import { populateTarget } from './target';

/** Least time between two log lines about failing scrapes of one job. */
const LOG_INTERVAL_MS = 60_000;

export interface PrometheusReceiverDeps {
  /** Where scraped samples go: the store (a budgeted appender: scrapes cannot starve the agent's own series). */
  appender: BudgetedAppender | Appender;
  /** Directory of the config file, for relative file_sd / credentials / TLS paths. */
  baseDir: string;
  /** Where `upstream: true` sends each scrape as OTLP metrics (an exporter; never the store, which has the samples already). */
  upstream?: Consumer;
}

interface Pool {
  sc: ScrapeConfig;
  timing: { intervalMs: number; timeoutMs: number };
  relabel: Relabeler;
  metricRelabel: Relabeler;
  loops: Map<string, ScrapeLoop>;
  dropped: Labels[];
  refreshTimer?: NodeJS.Timeout;
  lastLog: number;
}

/** One entry of /api/v1/targets' activeTargets, as Prometheus 2.42 writes it. */
export interface ActiveTargetView {
  discoveredLabels: Labels;
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  scrapeInterval: string;
  scrapeTimeout: string;
}

export class PrometheusReceiver implements Component {
  private readonly pools = new Map<string, Pool>();
  private logger: Logger | undefined;
  private failed: Counter | undefined;
  private tooLarge: Counter | undefined;
  private refusedCounter: Counter | undefined;
  private upstreamFailed: Counter | undefined;
  private lastUpstreamLog = -Infinity;
  private stopping = false;

  constructor(readonly id: string, private readonly config: PrometheusReceiverConfig, private readonly deps: PrometheusReceiverDeps) {}

  async start(host: Host): Promise<void> {
    this.logger = host.logger;
    this.failed = host.meter.createCounter('lookout_scrape_failed', { description: 'Scrapes that failed (target down, timeout, bad exposition, limits), by job.' });
    this.tooLarge = host.meter.createCounter('lookout_scrape_body_too_large', { description: 'Scrapes failed because the body exceeded body_size_limit, by job.' });
    this.refusedCounter = host.meter.createCounter('lookout_scrape_refused_samples', { description: 'Scraped samples the store refused (series limits, out of order), by job.' });
    this.upstreamFailed = host.meter.createCounter('lookout_scrape_upstream_failed', { description: 'Scrapes (upstream: true) the OTLP upstream did not accept (queue full, shutting down).' });
    if (this.config.upstream && !this.deps.upstream) {
      host.logger.warn('receivers.prometheus.upstream is true but no upstream exporter is configured (exporters.otlp): scraped samples stay local');
    }
    for (const sc of this.config.config.scrape_configs) {
      const pool: Pool = {
        sc,
        timing: jobTiming(this.config, sc),
        relabel: new Relabeler(sc.relabel_configs),
        metricRelabel: new Relabeler(sc.metric_relabel_configs),
        loops: new Map(),
        dropped: [],
        lastLog: -Infinity,
      };
      this.pools.set(sc.job_name, pool);
      await this.sync(pool);
      if (sc.file_sd_configs.length > 0) {
        const every = Math.min(...sc.file_sd_configs.map((f) => f.refresh_interval));
        pool.refreshTimer = setInterval(() => { void this.sync(pool); }, Math.max(1000, every));
        pool.refreshTimer.unref();
      }
    }
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    const stops: Promise<void>[] = [];
    for (const pool of this.pools.values()) {
      if (pool.refreshTimer) clearInterval(pool.refreshTimer);
      // At shutdown no staleness markers (as Prometheus): the series continue after a restart.
      for (const loop of pool.loops.values()) stops.push(loop.stop(false));
    }
    await Promise.all(stops);
  }

  /** The targets of every pool, for /api/v1/targets. */
  targets(): { activeTargets: ActiveTargetView[]; droppedTargets: { discoveredLabels: Labels }[] } {
    const active: ActiveTargetView[] = [];
    const dropped: { discoveredLabels: Labels }[] = [];
    for (const [job, pool] of this.pools) {
      for (const loop of pool.loops.values()) {
        const h = loop.health;
        active.push({
          discoveredLabels: loop.target.discovered,
          labels: loop.target.labels,
          scrapePool: job,
          scrapeUrl: loop.target.url,
          globalUrl: loop.target.url,
          lastError: h.lastError,
          lastScrape: h.lastScrape === undefined ? '0001-01-01T00:00:00Z' : new Date(h.lastScrape).toISOString(),
          lastScrapeDuration: h.lastScrapeDurationSeconds,
          health: h.health,
          scrapeInterval: pool.timing.intervalMs / 1000 + 's',
          scrapeTimeout: pool.timing.timeoutMs / 1000 + 's',
        });
      }
      for (const d of pool.dropped) dropped.push({ discoveredLabels: d });
    }
    return { activeTargets: active, droppedTargets: dropped };
  }

  /** Re-reads the pool's target groups; starts loops for new targets, stops (and marks stale) removed ones. */
  private async sync(pool: Pool): Promise<void> {
    if (this.stopping) return;
    const groups: TargetGroup[] = [...pool.sc.static_configs];
    for (const fsd of pool.sc.file_sd_configs) {
      for (const pattern of fsd.files) {
        for (const file of expandFilePattern(path.resolve(this.deps.baseDir, pattern))) {
          try {
            groups.push(...readTargetFile(file));
          } catch (err) {
            this.logger?.error({ job: pool.sc.job_name, file, err: (err as Error).message }, `receivers.prometheus: cannot read file_sd file: ${(err as Error).message}`);
          }
        }
      }
    }
    const wanted = new Map<string, ReturnType<typeof populateTarget>>();
    pool.dropped = [];
    for (const g of groups) {
      for (const addr of g.targets) {
        const p = populateTarget(g, addr, pool.sc, pool.timing, pool.relabel);
        if ('dropped' in p) pool.dropped.push(p.dropped);
        else if ('error' in p) this.logger?.warn({ job: pool.sc.job_name, target: addr, err: p.error }, `receivers.prometheus: target ${addr} of job ${pool.sc.job_name} skipped: ${p.error}`);
        else wanted.set(`${p.target.url}\xff${labelsKey(p.target.labels)}`, p);
      }
    }
    const stops: Promise<void>[] = [];
    for (const [key, loop] of pool.loops) {
      if (!wanted.has(key)) {
        pool.loops.delete(key);
        stops.push(loop.stop(true));
      }
    }
    for (const [key, p] of wanted) {
      if (pool.loops.has(key) || !('target' in p)) continue;
      const loop = new ScrapeLoop(p.target, pool.sc, pool.timing, {
        appender: this.deps.appender,
        metricRelabel: pool.metricRelabel,
        baseDir: (f) => path.resolve(this.deps.baseDir, f),
        onScrape: (r) => this.onScrape(pool, r),
        upstream: this.config.upstream && this.deps.upstream ? (req) => this.deps.upstream!.consume('metrics', req) : undefined,
        onUpstreamError: (err) => this.onUpstreamError(pool.sc.job_name, err),
      });
      pool.loops.set(key, loop);
      loop.start();
    }
    await Promise.all(stops);
  }

  private onUpstreamError(job: string, err: Error): void {
    this.upstreamFailed?.add(1, { job });
    const now = Date.now();
    if (now - this.lastUpstreamLog < LOG_INTERVAL_MS) return;
    this.lastUpstreamLog = now;
    this.logger?.warn({ job, err: err.message }, `receivers.prometheus: the upstream did not accept a scrape of job ${job}: ${err.message} (the store has it; logged at most once a minute)`);
  }

  private onScrape(pool: Pool, r: ScrapeReport): void {
    const attrs = { job: r.job };
    if (r.refused > 0) this.refusedCounter?.add(r.refused, attrs);
    if (r.ok) return;
    this.failed?.add(1, attrs);
    if (r.bodyTooLarge) this.tooLarge?.add(1, attrs);
    const now = Date.now();
    if (now - pool.lastLog >= LOG_INTERVAL_MS) {
      pool.lastLog = now;
      this.logger?.warn({ job: r.job, err: r.error }, `receivers.prometheus: scrape of job ${r.job} failed: ${r.error} (logged at most once a minute per job)`);
    }
  }
}
