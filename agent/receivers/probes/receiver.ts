/**
 * receivers.probes: runs each target's prober every interval and writes
 * the blackbox exporter's series (probe_success, probe_duration_seconds,
 * probe_http_*) straight into the store, like a scrape: labels job (the
 * config's job), instance (the target) and the target's labels, timestamp
 * the probe's start. No OTLP round trip, so names and values are exactly
 * blackbox's; they are local series (rules, /metrics, remote write), not
 * forwarded as OTLP metrics. See README.md.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { Counter } from '@opentelemetry/api';
import type { Component, Host } from '../../component/component';
import type { BudgetedAppender } from '../../store/memory-store';
import type { Labels, MetricMetadata } from '../../store/types';
import { RateLimitedLog } from '../../alerting/limit-log';
import type { ProbesConfig, ProbeTarget } from './config';
import { probeHttp } from './http-prober';
import { probeTcp } from './tcp-prober';
import type { ProbeResult } from './result';

const HELP: Record<string, string> = {
  probe_success: 'Displays whether or not the probe was a success',
  probe_duration_seconds: 'Returns how long the probe took to complete in seconds',
  probe_dns_lookup_time_seconds: 'Returns the time taken for probe dns lookup in seconds',
  probe_http_duration_seconds: 'Duration of http request by phase, summed over all redirects',
  probe_http_status_code: 'Response HTTP status code',
  probe_http_content_length: 'Length of http content response',
  probe_http_uncompressed_body_length: 'Length of uncompressed response body',
  probe_http_version: 'Returns the version of HTTP of the probe response',
  probe_http_ssl: 'Indicates if SSL was used for the final redirect',
  probe_http_redirects: 'The number of redirects',
  probe_failed_due_to_regex: 'Indicates if probe failed due to regex',
  probe_ssl_earliest_cert_expiry: 'Returns last SSL chain expiry in unixtime',
  probe_ip_protocol: 'Specifies whether probe ip protocol is IP4 or IP6',
};

export interface ProbesReceiverDeps {
  /** Where samples go: the store's budgeted appender for this receiver. */
  appender: BudgetedAppender;
  now?: () => number;
}

interface Scheduled {
  target: ProbeTarget;
  labels: Labels;
  intervalMs: number;
  timeoutMs: number;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

export class ProbesReceiver implements Component {
  private readonly scheduled: Scheduled[];
  private readonly abort = new AbortController();
  private logger?: Logger;
  private readonly warnings = new RateLimitedLog(() => this.logger);
  private runs?: Counter;
  private refused?: Counter;
  private stopping = false;
  private readonly now: () => number;

  constructor(readonly id: string, cfg: ProbesConfig, private readonly deps: ProbesReceiverDeps) {
    this.now = deps.now ?? Date.now;
    this.scheduled = cfg.targets.map((target) => ({
      target,
      labels: { ...target.labels, job: cfg.job, instance: target.target },
      intervalMs: target.interval ?? cfg.interval,
      timeoutMs: target.timeout ?? cfg.timeout,
    }));
    // Every in-flight probe listens for shutdown on this one signal: at most one per target.
    setMaxListeners(this.scheduled.length + 10, this.abort.signal);
  }

  async start(host: Host): Promise<void> {
    this.logger = host.logger.child({ component: this.id });
    this.runs = host.meter.createCounter('lookout_probes_runs', { description: 'Probe runs by prober and result (success, failure).' });
    this.refused = host.meter.createCounter('lookout_probes_samples_refused', { description: 'Probe samples the store refused (series budget, out of order).' });
    for (const [name, help] of Object.entries(HELP)) {
      const meta: MetricMetadata = { type: 'gauge', help, unit: name.endsWith('_seconds') ? 'seconds' : '' };
      this.deps.appender.setMetadata(name, meta);
    }
    // Spread the first runs over the first interval so many targets do not fire at once.
    this.scheduled.forEach((s, i) => this.schedule(s, Math.floor((s.intervalMs * i) / Math.max(1, this.scheduled.length) / 10)));
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const s of this.scheduled) if (s.timer) clearTimeout(s.timer);
    this.abort.abort();
    await Promise.all(this.scheduled.map((s) => s.running));
  }

  /** Probes every target once now (tests, benchmarks). */
  async probeAll(): Promise<void> {
    await Promise.all(this.scheduled.map((s) => this.runOnce(s)));
  }

  private schedule(s: Scheduled, delay: number): void {
    if (this.stopping) return;
    s.timer = setTimeout(() => {
      const started = this.now();
      // A fixed cadence: the next run is one interval after this one started, not after it ended.
      void this.runOnce(s).finally(() => this.schedule(s, Math.max(0, s.intervalMs - (this.now() - started))));
    }, delay);
  }

  private async runOnce(s: Scheduled): Promise<void> {
    // timeout <= interval (config), so a run never overlaps the next one; probeAll may still race it.
    await s.running;
    s.running = this.probe(s);
    await s.running;
  }

  private async probe(s: Scheduled): Promise<void> {
    const t = this.now();
    let result: ProbeResult;
    try {
      result = s.target.prober === 'http'
        ? await probeHttp(s.target, s.timeoutMs, this.abort.signal)
        : await probeTcp(s.target, s.timeoutMs, this.abort.signal);
    } catch (err) {
      result = { success: false, reason: (err as Error).message, samples: [{ name: 'probe_success', value: 0 }] };
    }
    if (this.stopping) return;
    this.runs?.add(1, { prober: s.target.prober, result: result.success ? 'success' : 'failure' });
    if (!result.success) {
      this.warnings.warn(`fail:${s.target.target}`, { target: s.target.target, reason: result.reason }, 'probe failed');
    }
    this.deps.appender.beginRequest();
    for (const sample of result.samples) {
      const labels: Labels = { ...s.labels, ...sample.labels, __name__: sample.name };
      if (!this.deps.appender.append(labels, t, sample.value)) this.refused?.add(1);
    }
  }
}
