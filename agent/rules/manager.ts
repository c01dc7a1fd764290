/**
 * The rules component (Prometheus' rules.Manager): loads rule files and the
 * default pack, restores alert state from rules.db, evaluates every group on
 * its own timer (slots spread over the interval by a hash of the group's
 * identity), appends recording-rule results and ALERTS series to the store,
 * hands due alerts to the AlertSink, and reports transitions as OTel logs
 * and a counter. A sink is called synchronously and must not block: the
 * evaluation never waits for delivery.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Counter } from '@opentelemetry/api';
import type { AlertSink } from '../alerting/types';
import type { Component, Consumer, Host } from '../component/component';
import type { QueryFunc, SyncQueryFunc } from '../promql/types';
import type { Appender } from '../store/types';
import type { AlertTransition, SentAlert } from './alert';
import { createRulesApiRouter } from './api';
import type { RulesConfig } from './config';
import { Group } from './group';
import { loadRules } from './load';
import { toPostableAlert } from './notify';
import { AlertStateStore } from './state-store';
import { transitionsToLogs } from './transitions';

/** Time source and timers; tests pass a manual clock. */
export interface Clock {
  now(): number;
  /** fn may return a promise (an evaluation); a manual clock for tests awaits it. */
  setTimeout(fn: () => void | Promise<void>, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface RuleManagerOptions {
  config: RulesConfig;
  /** Directory relative rules.files resolve against: the config file's directory. */
  baseDir: string;
  /** Runs PromQL at a time; build it with engineQueryFunc(engine). */
  query: QueryFunc;
  /** The `query` template function (synchronous, short timeout); build it with engineTemplateQueryFunc(engine). */
  templateQuery?: SyncQueryFunc;
  /** The store's appender, for recording rules and ALERTS/ALERTS_FOR_STATE. */
  appender?: Appender;
  /** Where due alerts go (local notifier and/or remote Alertmanagers). */
  sink?: AlertSink;
  /** Receives an OTel log record per firing/resolved transition. */
  onTransition?: Consumer<'logs'>;
  /** Mount GET /api/v1/rules and /api/v1/alerts on host.adminRouter (default true). */
  mountApi?: boolean;
  /** Persist alert state in <storageDir>/rules.db (default true). */
  persist?: boolean;
  clock?: Clock;
  /** Default pack location override (tests). */
  defaultPackPath?: string;
  /** More default-pack files (loaded and configured with the pack), e.g. the probes pack. */
  extraPackFiles?: string[];
}

export class RuleManager implements Component {
  readonly id = 'rules';
  private groupList: Group[] = [];
  private readonly timers = new Map<Group, unknown>();
  private stateStore: AlertStateStore | undefined;
  private logger: Logger | undefined;
  private started = false;
  private stopped = false;
  private readonly clock: Clock;
  private counters: {
    transitions?: Counter; evaluations?: Counter; failures?: Counter; missed?: Counter; refused?: Counter; timeouts?: Counter;
  } = {};
  private readonly refusedWarned = new Set<string>();
  /** Aborts running evaluations at shutdown. */
  private readonly stopping = new AbortController();
  /** Evaluations in progress, awaited by shutdown before the state store closes. */
  private readonly running = new Set<Promise<void>>();
  /** Last time a rate-limited warning was logged, per kind and group (one line per minute). */
  private readonly overrunLogged = new Map<string, number>();

  constructor(private opts: RuleManagerOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  /** The loaded groups, in file order (for the API and tests). */
  groups(): readonly Group[] {
    return this.groupList;
  }

  async start(host: Host): Promise<void> {
    if (this.started) throw new Error('rules: already started');
    this.started = true;
    this.logger = host.logger.child({ component: 'rules' });
    const { config } = this.opts;

    const loaded = loadRules({ config, baseDir: this.opts.baseDir, defaultPackPath: this.opts.defaultPackPath, extraPackFiles: this.opts.extraPackFiles });
    for (const w of loaded.warnings) this.logger.warn(w);
    if (loaded.problems.length > 0) {
      throw new Error(`rules: invalid rule configuration:\n  ${loaded.problems.join('\n  ')}`);
    }
    this.groupList = this.buildGroups(loaded.groups, config);

    if (this.opts.persist !== false) {
      mkdirSync(host.storageDir, { recursive: true });
      this.stateStore = new AlertStateStore(path.join(host.storageDir, 'rules.db'), { logger: this.logger, meter: host.meter });
      this.restoreState();
    }
    this.registerMetrics(host);
    if (this.opts.mountApi !== false) host.adminRouter.use(createRulesApiRouter(this));

    const nRules = this.groupList.reduce((n, g) => n + g.rules.length, 0);
    this.logger.info({ groups: this.groupList.length, rules: nRules }, 'rule groups loaded');
    for (const g of this.groupList) this.schedule(g);
  }

  private buildGroups(specs: ReturnType<typeof loadRules>['groups'], config: RulesConfig): Group[] {
    return specs.map((spec) => new Group(spec, {
      interval: config.evaluation_interval,
      externalLabels: config.external_labels,
      externalURL: config.external_url,
      resendDelay: config.resend_delay,
    }));
  }

  /**
   * Reload, as Prometheus' rules.Manager.Update: the files are read and
   * checked first (throws with every problem, nothing changes); then the
   * new groups replace the old ones, and a group with the same file and
   * name takes over the alert state of its rules by rule name (pending
   * alerts keep their activeAt, firing ones stay firing), so a reload
   * neither re-pages nor resets `for`.
   */
  applyConfig(config: RulesConfig): void {
    const loaded = loadRules({ config, baseDir: this.opts.baseDir, defaultPackPath: this.opts.defaultPackPath, extraPackFiles: this.opts.extraPackFiles });
    if (loaded.problems.length > 0) throw new Error(`rules: invalid rule configuration:\n  ${loaded.problems.join('\n  ')}`);
    for (const w of loaded.warnings) this.logger?.warn(w);
    const next = this.buildGroups(loaded.groups, config);
    const old = new Map(this.groupList.map((g) => [g.key, g]));
    for (const g of next) {
      const prev = old.get(g.key);
      if (!prev) continue;
      g.lastEvaluation = prev.lastEvaluation;
      g.evaluationTime = prev.evaluationTime;
      const byName = new Map(prev.alertingRules().map((r) => [r.name, r]));
      for (const r of g.alertingRules()) {
        const from = byName.get(r.name);
        if (!from) continue;
        byName.delete(r.name);
        for (const [k, a] of from.active) r.active.set(k, a);
      }
    }
    if (this.started && !this.stopped) {
      for (const t of this.timers.values()) this.clock.clearTimeout(t);
      this.timers.clear();
    }
    this.opts = { ...this.opts, config };
    this.groupList = next;
    if (this.started && !this.stopped) {
      for (const g of next) this.schedule(g);
      const nRules = next.reduce((n, g) => n + g.rules.length, 0);
      this.logger?.info({ groups: next.length, rules: nRules }, 'rule groups reloaded');
    }
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
    // A running evaluation stops at its next slice (its rules fail with `canceled`) and saves nothing.
    this.stopping.abort(new Error('the agent is shutting down'));
    await Promise.allSettled([...this.running]);
    this.stateStore?.close();
    this.stateStore = undefined;
  }

  private restoreState(): void {
    const store = this.stateStore!;
    const { config } = this.opts;
    store.prune(new Set(this.groupList.map((g) => g.key)));
    for (const g of this.groupList) {
      const saved = store.load(g.key);
      if (!saved) continue;
      for (const rule of g.alertingRules()) {
        const alerts = saved.alerts.get(rule.name);
        if (!alerts?.length) continue;
        rule.restore({
          alerts, downAt: saved.downAt, outageTolerance: config.outage_tolerance, forGracePeriod: config.for_grace_period,
          restoreHold: config.restore_hold,
        });
      }
    }
  }

  private schedule(g: Group): void {
    // First evaluation at the group's next slot, then every interval. The
    // next evaluation is scheduled only once this one ended (never two at
    // once); slots that passed meanwhile are skipped and counted as missed,
    // as Prometheus' prometheus_rule_group_iterations_missed_total.
    let next = g.evalTimestamp(this.clock.now()) + g.interval;
    const tick = async () => {
      if (this.stopped) return;
      const now = this.clock.now();
      const missed = Math.max(0, Math.floor((now - next) / g.interval));
      if (missed > 0) {
        this.counters.missed?.add(missed, { rule_group: g.key });
        this.logOverrun(g, missed);
        next += missed * g.interval;
      }
      await this.evaluate(g, next);
      if (this.stopped) return;
      next += g.interval;
      this.timers.set(g, this.clock.setTimeout(run, Math.max(0, next - this.clock.now())));
    };
    const run = (): Promise<void> => {
      const p = tick().catch((err: unknown) => { this.logger?.error({ group: g.name, err }, 'rule group evaluation crashed'); });
      this.running.add(p);
      return p.finally(() => this.running.delete(p));
    };
    this.timers.set(g, this.clock.setTimeout(run, Math.max(0, next - this.clock.now())));
  }

  private logOverrun(g: Group, missed: number): void {
    this.warnRateLimited(`missed;${g.key}`, { group: g.name, missed, last_duration_s: g.evaluationTime, interval_ms: g.interval },
      'rule group evaluation overran its interval; iterations skipped (lookout_rule_group_iterations_missed_total)');
  }

  /** At most one line per key per minute. */
  private warnRateLimited(key: string, obj: object, msg: string): void {
    const now = this.clock.now();
    if (now - (this.overrunLogged.get(key) ?? -Infinity) < 60_000) return;
    this.overrunLogged.set(key, now);
    this.logger?.warn(obj, msg);
  }

  /** Evaluates one group at ts and persists its alert state (also used by tests). */
  async evaluate(g: Group, ts: number): Promise<void> {
    await g.eval(ts, {
      query: this.opts.query,
      templateQuery: this.opts.templateQuery,
      signal: this.stopping.signal,
      appender: this.opts.appender,
      notify: (alerts) => this.notify(alerts),
      onTransitions: (t) => this.emitTransitions(t),
      onRefused: (rule, labels) => {
        this.counters.refused?.add(1, { rule_group: g.key });
        const key = `${g.key};${rule.name}`;
        if (!this.refusedWarned.has(key)) {
          this.refusedWarned.add(key);
          this.logger?.warn({ group: g.name, rule: rule.name, labels }, 'store refused a rule sample (out of order or series limit)');
        }
      },
    });
    const timedOut: string[] = [];
    for (const r of g.rules) {
      this.counters.evaluations?.add(1, { rule_group: g.key });
      if (r.health === 'err') {
        this.counters.failures?.add(1, { rule_group: g.key });
        if (r.lastError?.startsWith('query timed out')) timedOut.push(r.name);
        else this.logger?.warn({ group: g.name, rule: r.name, err: r.lastError }, 'evaluating rule failed');
      }
    }
    if (timedOut.length > 0) {
      this.counters.timeouts?.add(1, { rule_group: g.key });
      this.warnRateLimited(`timeout;${g.key}`, { group: g.name, rules: timedOut, interval_ms: g.interval },
        'rule group evaluation hit its deadline (the group interval); the rules listed failed with a timeout');
    }
    if (this.stateStore && !this.stopped) {
      try {
        this.stateStore.save(g.key, ts, g.alertingRules().map((r) => ({ name: r.name, alerts: r.allAlerts() })));
      } catch (err) {
        this.logger?.warn({ group: g.name, err: (err as Error).message }, 'saving alert state failed; a restart may reset pending alerts');
      }
    }
  }

  private notify(alerts: SentAlert[]): void {
    const sink = this.opts.sink;
    if (!sink) return;
    try {
      sink.send(alerts.map((a) => toPostableAlert(a, this.opts.config.external_labels)));
    } catch (err) {
      this.logger?.warn({ err: (err as Error).message }, 'alert sink failed');
    }
  }

  private emitTransitions(transitions: AlertTransition[]): void {
    for (const t of transitions) this.counters.transitions?.add(1, { state: t.to });
    for (const t of transitions) {
      this.logger?.info({ alertname: t.rule, state: t.to, labels: t.alert.labels }, `alert ${t.rule} ${t.to}`);
    }
    const consumer = this.opts.onTransition;
    if (!consumer) return;
    const req = transitionsToLogs(transitions, this.clock.now());
    consumer.consume('logs', req).catch((err: unknown) => {
      this.logger?.warn({ err: (err as Error).message }, 'forwarding alert transition logs failed');
    });
  }

  private registerMetrics(host: Host): void {
    const m = host.meter;
    this.counters = {
      transitions: m.createCounter('lookout_alerts_transitions', {
        description: 'Alert state transitions (firing, resolved) produced by alerting rules.',
      }),
      evaluations: m.createCounter('lookout_rule_evaluations', { description: 'Rule evaluations, per group.' }),
      failures: m.createCounter('lookout_rule_evaluation_failures', { description: 'Rule evaluations that failed, per group.' }),
      missed: m.createCounter('lookout_rule_group_iterations_missed', {
        description: 'Group evaluations skipped because the previous one ran late.',
      }),
      timeouts: m.createCounter('lookout_rule_group_timeouts', {
        description: 'Group evaluations cut short by their deadline (the group interval).',
      }),
      refused: m.createCounter('lookout_rule_samples_refused', {
        description: 'Rule result samples the store refused (out of order or series limit).',
      }),
    };
    m.createObservableGauge('lookout_rule_group_last_duration_seconds', {
      description: 'Duration of the last evaluation of each rule group.', unit: 's',
    }).addCallback((obs) => {
      for (const g of this.groupList) obs.observe(g.evaluationTime, { rule_group: g.key });
    });
    // Not lookout_alerts: that is the notifier's (Alertmanager's alertmanager_alerts{state="active|suppressed"}).
    // This is the rules' side, the count of the ALERTS series by alertstate (Prometheus has no such gauge).
    m.createObservableGauge('lookout_rule_alerts', {
      description: 'Alerts of alerting rules by state (pending or firing), silenced ones included: count by (alertstate) (ALERTS).',
    }).addCallback((obs) => {
      let pending = 0;
      let firing = 0;
      for (const g of this.groupList) {
        for (const r of g.alertingRules()) {
          for (const a of r.activeAlerts()) {
            if (a.state === 'firing') firing++;
            else pending++;
          }
        }
      }
      obs.observe(pending, { state: 'pending' });
      obs.observe(firing, { state: 'firing' });
    });
  }
}
