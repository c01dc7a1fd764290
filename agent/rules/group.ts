/**
 * A rule group, as Prometheus' rules.Group: its rules evaluated in order at
 * one evaluation time (later rules see earlier rules' output). Each
 * evaluation needs only a QueryFunc and a notify function (plus, optionally,
 * an Appender for results), and takes its time as an argument, so the
 * scheduler (manager.ts) and the unit-test runner drive the same code.
 */
import { createHash } from 'node:crypto';
import type { QueryFunc, QueryOptions, SyncQueryFunc, VectorSample } from '../promql/types';
import type { Appender, Labels } from '../store/types';
import type { AlertTransition, NotifyFunc } from './alert';
import { AlertingRule, type AlertingRuleContext } from './alerting-rule';
import { labelsKey } from './labels';
import { RecordingRule } from './recording-rule';
import type { RuleGroupSpec } from './rulefmt';

export type Rule = AlertingRule | RecordingRule;

export interface GroupOptions {
  /** ms; the group's own interval or the global evaluation_interval. */
  interval: number;
  externalLabels: Labels;
  externalURL: string;
  /** ms between re-sends of a firing alert. */
  resendDelay: number;
}

export interface EvalDeps {
  query: QueryFunc;
  /** The `query` template function (synchronous); absent: templates cannot query. */
  templateQuery?: SyncQueryFunc;
  /** Stops the evaluation (agent shutting down); the remaining rules fail with `canceled`. */
  signal?: AbortSignal;
  /** The evaluation's deadline in ms from its start; default the group's interval. */
  deadlineMs?: number;
  notify: NotifyFunc;
  /** Where recording-rule results and ALERTS/ALERTS_FOR_STATE go; absent: nothing is stored. */
  appender?: Appender;
  /** Firing/resolved changes, for telemetry. */
  onTransitions?: (t: AlertTransition[]) => void;
  /** Called when a sample is refused by the appender (out of order, series limit). */
  onRefused?: (rule: Rule, labels: Labels) => void;
}

/** The group's identity across files, as Prometheus' GroupKey. */
export function groupKey(file: string, name: string): string {
  return `${file};${name}`;
}

export class Group {
  readonly name: string;
  readonly file: string;
  readonly key: string;
  readonly interval: number;
  readonly limit: number;
  readonly queryOffset: number;
  readonly rules: Rule[];
  /** Evaluation timestamp of the last evaluation (ms). */
  lastEvaluation: number | undefined;
  /** Seconds the last evaluation took. */
  evaluationTime = 0;
  /** Series each rule wrote last time, to mark the vanished ones stale. */
  private readonly seriesInPreviousEval: Map<string, Labels>[];

  constructor(spec: RuleGroupSpec, readonly opts: GroupOptions) {
    this.name = spec.name;
    this.file = spec.file;
    this.key = groupKey(spec.file, spec.name);
    this.interval = spec.interval ?? opts.interval;
    this.limit = spec.limit;
    this.queryOffset = spec.queryOffset;
    const ctx: AlertingRuleContext = {
      externalLabels: opts.externalLabels, externalURL: opts.externalURL, queryOffset: spec.queryOffset,
    };
    this.rules = spec.rules.map((r) => (r.kind === 'alert' ? new AlertingRule(r, ctx) : new RecordingRule(r, spec.queryOffset)));
    this.seriesInPreviousEval = this.rules.map(() => new Map());
  }

  alertingRules(): AlertingRule[] {
    return this.rules.filter((r): r is AlertingRule => r.kind === 'alert');
  }

  /**
   * This group's evaluation slot: a stable offset within the interval
   * derived from the group's identity, so groups spread over the interval
   * and keep their slot across restarts (Prometheus' EvalTimestamp).
   */
  evalTimestamp(now: number): number {
    const hash = createHash('sha256').update(this.key).digest().readUInt32BE(0);
    const offset = hash % this.interval;
    const adj = now - offset;
    return adj - (((adj % this.interval) + this.interval) % this.interval) + offset;
  }

  /**
   * Evaluates every rule at ts (ms). Rule errors are recorded on the rule
   * (health, lastError), never thrown. The whole evaluation has a deadline
   * (the group's interval): rules still running or not started by then fail
   * with Prometheus' timeout error, so an evaluation never overlaps the next.
   */
  async eval(ts: number, deps: EvalDeps): Promise<void> {
    const groupStart = performance.now();
    const queryOpts: QueryOptions = { startedAt: groupStart, timeoutMs: deps.deadlineMs ?? this.interval, signal: deps.signal };
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i];
      const start = performance.now();
      try {
        let samples: VectorSample[];
        if (rule.kind === 'alert') {
          const res = await rule.eval(ts, deps.query, this.limit, { query: queryOpts, templateQuery: deps.templateQuery });
          samples = res.samples;
          rule.health = 'ok';
          rule.lastError = undefined;
          const due = rule.sendAlerts(ts, this.opts.resendDelay, this.interval);
          if (due.length > 0) deps.notify(due, ts);
          if (res.transitions.length > 0) deps.onTransitions?.(res.transitions);
        } else {
          samples = await rule.eval(ts, deps.query, this.limit, queryOpts);
          rule.health = 'ok';
          rule.lastError = undefined;
        }
        this.store(i, rule, samples, ts, deps);
      } catch (err) {
        rule.health = 'err';
        rule.lastError = (err as Error).message;
      } finally {
        rule.evaluationTime = (performance.now() - start) / 1000;
        rule.lastEvaluation = ts;
      }
    }
    this.evaluationTime = (performance.now() - groupStart) / 1000;
    this.lastEvaluation = ts;
  }

  private store(i: number, rule: Rule, samples: VectorSample[], ts: number, deps: EvalDeps): void {
    const app = deps.appender;
    if (!app) return;
    const returned = new Map<string, Labels>();
    for (const s of samples) {
      if (app.append(s.metric, s.t, s.value)) returned.set(labelsKey(s.metric), s.metric);
      else deps.onRefused?.(rule, s.metric);
    }
    // Series the rule no longer produces go stale, so queries stop seeing them at once.
    for (const [key, labels] of this.seriesInPreviousEval[i]) {
      if (!returned.has(key)) app.markStale(labels, ts - this.queryOffset);
    }
    this.seriesInPreviousEval[i] = returned;
  }
}
