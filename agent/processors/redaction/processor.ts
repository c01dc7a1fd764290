/**
 * The redaction processor: secrets are replaced in place (mutatesData) and
 * the data handed on. Counts go to `lookout_redaction_redacted_total{pattern,
 * signal}`; each pattern logs at most one line a minute naming the key it
 * was found under (never the value). A protobuf request whose received
 * bytes the pre-scan (raw-prescan.ts) finds clean is handed on without
 * being walked: `lookout_redaction_prescan_requests_total{signal, outcome}`.
 */
import type { Logger } from 'pino';
import type { Component, Consumer, Host } from '../../component/component';
import type { Signal, SignalData } from '../../otlp/model';
import { RateLimitedLog } from '../../alerting/limit-log';
import { dropRawBytes, rawBytesOf } from '../../otlp/raw';
import type { RedactionConfig } from './config';
import { CLEAN, OVER_BUDGET, RawPrescan } from './raw-prescan';
import { Redactor } from './redactor';
import { redactLogs, redactMetrics, redactTraces } from './walk';

/** Work between two event-loop turns while redacting one request (ms). */
export const REDACTION_SLICE_MS = 10;

/** Where a redaction was counted: a signal, or the alert path. */
export type RedactionSite = Signal | 'alerts';

/**
 * What became of a request with received bytes: clean (handed on, not
 * walked); walked (the pre-scan found something that may be redacted);
 * over_budget (its needles occur too often to be worth following: walked);
 * resting (not pre-scanned, see PRESCAN_REST_REQUESTS: walked).
 */
export const PRESCAN_OUTCOMES = ['clean', 'walked', 'over_budget', 'resting'] as const;
export type PrescanOutcome = typeof PRESCAN_OUTCOMES[number];

/**
 * After a request over the pre-scan's budget, this many of the signal's
 * next requests are walked without a pre-scan: a stream of prose-heavy
 * telemetry pays for one pre-scan in 16, and a clean stream is noticed again.
 */
export const PRESCAN_REST_REQUESTS = 15;

/** Started instances per meter and id (their counts are summed into one counter). */
const STARTED = new WeakMap<object, Map<string, Set<RedactionProcessor>>>();

export class RedactionProcessor implements Component, Consumer {
  readonly redactor: Redactor;
  /** Replacements per `${site}\u0000${pattern}`. */
  readonly counts = new Map<string, number>();
  /** Requests pre-scanned per `${signal}\u0000${outcome}`. */
  readonly prescanCounts = new Map<string, number>();
  private readonly prescan?: RawPrescan;
  /** Requests per signal still to walk without a pre-scan. */
  private readonly resting = new Map<Signal, number>();
  private site: RedactionSite = 'traces';
  private logger?: Logger;
  private readonly log = new RateLimitedLog(() => this.logger);

  constructor(readonly id: string, readonly config: RedactionConfig, private readonly next: Consumer, logger?: Logger) {
    this.logger = logger;
    this.redactor = new Redactor(config);
    if (config.raw_prescan) this.prescan = new RawPrescan(config, this.redactor.keyRules);
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
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      for (const outcome of PRESCAN_OUTCOMES) this.prescanCounts.set(`${signal}\u0000${outcome}`, this.prescanCounts.get(`${signal}\u0000${outcome}`) ?? 0);
    }
    if (!first) return;
    const instances = peers;
    this.observeSummed(host, instances, 'lookout_redaction_prescan_requests_total',
      'Protobuf requests by what the redaction pre-scan of their received bytes did: clean (handed on without being walked), walked (something may be redacted), over_budget (too many candidates to follow: walked), resting (not pre-scanned after an over_budget one: walked).',
      (inst) => inst.prescanCounts, 'outcome');
    this.observeSummed(host, instances, 'lookout_redaction_redacted_total',
      'Secrets replaced by the redaction processor, by pattern (blocked_key: a value replaced because of its key) and signal (alerts: alert labels and annotations).',
      (inst) => inst.counts, 'pattern');
  }

  /** A counter reporting, per `${signal}\u0000${label}` key, the sum of `counts` over the instances sharing this id. */
  private observeSummed(host: Host, instances: Set<RedactionProcessor>, name: string, description: string,
    counts: (inst: RedactionProcessor) => Map<string, number>, label: string): void {
    host.meter.createObservableCounter(name, { description }).addCallback((obs) => {
      const sum = new Map<string, number>();
      for (const inst of instances) for (const [k, n] of counts(inst)) sum.set(k, (sum.get(k) ?? 0) + n);
      for (const [k, n] of sum) {
        const [signal, value] = k.split('\u0000');
        obs.observe(n, { processor: this.id, signal, [label]: value });
      }
    });
  }

  async shutdown(): Promise<void> {}

  private walk<S extends Signal>(signal: S, data: SignalData[S]): Generator<void> {
    if (signal === 'traces') return redactTraces(this.redactor, data as SignalData['traces']);
    if (signal === 'logs') return redactLogs(this.redactor, data as SignalData['logs']);
    return redactMetrics(this.redactor, data as SignalData['metrics']);
  }

  /**
   * Whether the request's received bytes hold nothing to redact: then it is
   * not walked, nor read at all (a receiver that decodes lazily need not
   * decode it for us). OTLP/JSON requests and built ones have no bytes.
   */
  private prescanClean(signal: Signal, data: object): boolean {
    const raw = this.prescan && rawBytesOf(data);
    // A Buffer: what the receiver decoded with Node's UTF-8 decoder, which the pre-scan assumes.
    if (!raw || !Buffer.isBuffer(raw)) return false;
    let outcome: PrescanOutcome;
    const rest = this.resting.get(signal) ?? 0;
    if (rest > 0) {
      this.resting.set(signal, rest - 1);
      outcome = 'resting';
    } else {
      const found = this.prescan!.test(signal, raw);
      if (found === OVER_BUDGET) this.resting.set(signal, PRESCAN_REST_REQUESTS);
      outcome = found === CLEAN ? 'clean' : found === OVER_BUDGET ? 'over_budget' : 'walked';
    }
    const k = `${signal}\u0000${outcome}`;
    this.prescanCounts.set(k, (this.prescanCounts.get(k) ?? 0) + 1);
    return outcome === 'clean';
  }

  /** Redacts one request in place, synchronously (tests, benchmarks). */
  redact<S extends Signal>(signal: S, data: SignalData[S]): void {
    if (!this.config.enabled || this.prescanClean(signal, data)) return;
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
    if (this.config.enabled && !this.prescanClean(signal, data)) {
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
