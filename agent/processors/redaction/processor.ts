/**
 * The redaction processor: secrets are replaced in place (mutatesData) and
 * the data handed on. Counts go to `lookout_redaction_redacted_total{pattern,
 * signal}`; each pattern logs at most one line a minute naming the key it
 * was found under (never the value).
 */
import type { Logger } from 'pino';
import type { Component, Consumer, Host } from '../../component/component';
import type { Signal, SignalData } from '../../otlp/model';
import { RateLimitedLog } from '../../alerting/limit-log';
import { dropRawBytes } from '../../otlp/raw';
import type { RedactionConfig } from './config';
import { Redactor } from './redactor';
import { redactLogs, redactMetrics, redactTraces } from './walk';

/** Work between two event-loop turns while redacting one request (ms). */
export const REDACTION_SLICE_MS = 10;

/** Where a redaction was counted: a signal, or the alert path. */
export type RedactionSite = Signal | 'alerts';

/** Started instances per meter and id (their counts are summed into one counter). */
const STARTED = new WeakMap<object, Map<string, Set<RedactionProcessor>>>();

export class RedactionProcessor implements Component, Consumer {
  readonly redactor: Redactor;
  /** Replacements per `${site}\u0000${pattern}`. */
  readonly counts = new Map<string, number>();
  private site: RedactionSite = 'traces';
  private logger?: Logger;
  private readonly log = new RateLimitedLog(() => this.logger);

  constructor(readonly id: string, readonly config: RedactionConfig, private readonly next: Consumer, logger?: Logger) {
    this.logger = logger;
    this.redactor = new Redactor(config);
    this.redactor.onRedact = ({ pattern, key }) => {
      const k = `${this.site}\u0000${pattern}`;
      this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
      this.log.warn(`${this.site}/${pattern}`, { component: this.id, pattern, signal: this.site, key }, 'secret redacted from telemetry');
    };
  }

  async start(host: Host): Promise<void> {
    this.logger = host.logger.child({ component: this.id });
    // The service builds one instance per pipeline (and one for the alert path): one callback
    // per id and meter reports the sum of their counts.
    let byId = STARTED.get(host.meter);
    if (!byId) STARTED.set(host.meter, (byId = new Map()));
    let peers = byId.get(this.id);
    const first = !peers;
    if (!peers) byId.set(this.id, (peers = new Set()));
    peers.add(this);
    // Every configured pattern shows up at 0, so a dashboard can tell "nothing leaked" from "not running".
    for (const site of ['traces', 'metrics', 'logs', 'alerts'] as const) {
      for (const p of this.redactor.patternNames()) if (!this.counts.has(`${site}\u0000${p}`)) this.counts.set(`${site}\u0000${p}`, 0);
    }
    if (!first) return;
    const instances = peers;
    const counter = host.meter.createObservableCounter('lookout_redaction_redacted_total', {
      description: 'Secrets replaced by the redaction processor, by pattern (blocked_key: a value replaced because of its key) and signal (alerts: alert labels and annotations).',
    });
    counter.addCallback((obs) => {
      const sum = new Map<string, number>();
      for (const inst of instances) for (const [k, n] of inst.counts) sum.set(k, (sum.get(k) ?? 0) + n);
      for (const [k, n] of sum) {
        const [signal, pattern] = k.split('\u0000');
        obs.observe(n, { processor: this.id, signal, pattern });
      }
    });
  }

  async shutdown(): Promise<void> {}

  private walk<S extends Signal>(signal: S, data: SignalData[S]): Generator<void> {
    if (signal === 'traces') return redactTraces(this.redactor, data as SignalData['traces']);
    if (signal === 'logs') return redactLogs(this.redactor, data as SignalData['logs']);
    return redactMetrics(this.redactor, data as SignalData['metrics']);
  }

  /** Redacts one request in place, synchronously (tests, benchmarks). */
  redact<S extends Signal>(signal: S, data: SignalData[S]): void {
    if (!this.config.enabled) return;
    this.site = signal;
    const before = this.redactor.mutations;
    const steps = this.walk(signal, data);
    while (!steps.next().done) { /* each step is one span, record or metric */ }
    if (this.redactor.mutations !== before) dropRawBytes(data);
  }

  /**
   * Redacts in place, giving the event loop a turn every REDACTION_SLICE_MS
   * of work (a 16 MiB request full of secrets takes seconds), then hands on.
   */
  async consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    if (this.config.enabled) {
      this.site = signal;
      let sliceStart = performance.now();
      const steps = this.walk(signal, data);
      // Requests are redacted interleaved (between slices): changes are counted around each synchronous step.
      let changed = false;
      for (;;) {
        const before = this.redactor.mutations;
        const done = steps.next().done;
        if (this.redactor.mutations !== before) changed = true;
        if (done) break;
        if (performance.now() - sliceStart < REDACTION_SLICE_MS) continue;
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
        this.site = signal; // another request may have been redacted in between
      }
      // What changed is encoded again by whoever needs bytes: the received ones would carry the secret.
      if (changed) dropRawBytes(data);
    }
    return this.next.consume(signal, data);
  }

  /** An alert's label or annotation set, redacted (a new object when anything changed). */
  redactAlertRecord(rec: Record<string, string>): Record<string, string> {
    if (!this.config.enabled || !this.config.alerts) return rec;
    this.site = 'alerts';
    return this.redactor.redactRecord(rec);
  }

  /** A consumer that redacts, then hands on to `target` (alert-transition logs straight to an exporter). */
  before<S extends Signal>(target: Consumer<S>): Consumer<S> {
    return {
      consume: (signal, data) => {
        if (this.config.alerts) this.redact(signal, data);
        return target.consume(signal, data);
      },
    };
  }
}
