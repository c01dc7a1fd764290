/**
 * An alerting rule and its alerts' state machine, as Prometheus'
 * rules.AlertingRule: each evaluation runs the expression at the given time;
 * every returned series becomes an alert (pending, then firing once it has
 * been active for `for`); alerts that disappear resolve, unless
 * keep_firing_for keeps them firing a while; resolved alerts stay 15 minutes
 * so their resolution is re-sent. The evaluation time is always passed in,
 * never read from a clock, so tests drive it step by step.
 */
import type { VectorSample, QueryFunc, QueryOptions, SyncQueryFunc } from '../promql/types';
import type { Labels } from '../store/types';
import { AlertTemplate } from '../templates';
import { queryEscape } from '../templates/builtins';
import {
  copyAlert, maxState, RESOLVED_RETENTION_MS,
  type Alert, type AlertState, type AlertTransition, type SentAlert,
} from './alert';
import { DampingWindow } from './damping';
import { ALERT_NAME, ALERT_STATE, labelsKey, METRIC_NAME, setLabel, sortedLabels } from './labels';
import type { RuleHealth } from './recording-rule';
import type { RuleSpec } from './rulefmt';

export interface AlertingEvalOptions {
  /** Deadline and abort signal for the rule's query. */
  query?: QueryOptions;
  /** What the `query` template function runs (synchronous, short timeout); absent: templates cannot query. */
  templateQuery?: SyncQueryFunc;
}

export const ALERTS_METRIC = 'ALERTS';
export const ALERTS_FOR_STATE_METRIC = 'ALERTS_FOR_STATE';

export interface AlertingRuleContext {
  externalLabels: Labels;
  externalURL: string;
  /** ms the expression is evaluated in the past (the group's query_offset). */
  queryOffset: number;
}

/** Alert state saved before a restart (see state-store.ts), restored at the first evaluation. */
export interface RestoredAlerts {
  alerts: Alert[];
  /** Last evaluation before the restart (Prometheus' "downAt"). */
  downAt: number;
  outageTolerance: number;
  forGracePeriod: number;
  /**
   * How long a restored firing alert stays firing while its expression
   * returns nothing: when the restart outlasted the rule's range windows or
   * the store kept no history (store.wal off), "no result" means "no data
   * yet" until the app has re-sent two samples, not "resolved"
   * (README, Restarts).
   */
  restoreHold: number;
}

export interface AlertingEvalResult {
  /** ALERTS and ALERTS_FOR_STATE samples to append. */
  samples: VectorSample[];
  transitions: AlertTransition[];
}

export class AlertingRule {
  readonly kind = 'alert' as const;
  readonly name: string;
  readonly expr: string;
  readonly holdDuration: number;
  readonly keepFiringFor: number;
  readonly labels: Labels;
  readonly annotations: Labels;
  /** Alerts by label-set key, including resolved ones kept for re-sending. */
  readonly active = new Map<string, Alert>();
  health: RuleHealth = 'unknown';
  lastError: string | undefined;
  /** Evaluation timestamp (ms) of the last evaluation. */
  lastEvaluation: number | undefined;
  /** Seconds the last evaluation took. */
  evaluationTime = 0;

  /** Flap damping (rule key `damping`), if the rule opted in. */
  private readonly damping?: DampingWindow;
  private readonly labelTemplates: [string, AlertTemplate][];
  private readonly annotationTemplates: [string, AlertTemplate][];
  private pendingRestore: RestoredAlerts | undefined;

  constructor(spec: RuleSpec, private readonly ctx: AlertingRuleContext) {
    this.name = spec.name;
    this.expr = spec.expr;
    this.holdDuration = spec.for;
    this.keepFiringFor = spec.keepFiringFor;
    if (spec.damping) this.damping = new DampingWindow(spec.damping);
    this.labels = { ...spec.labels };
    this.annotations = { ...spec.annotations };
    this.labelTemplates = Object.entries(spec.labels).map(([k, v]) => [k, new AlertTemplate(spec.name, v)]);
    this.annotationTemplates = Object.entries(spec.annotations).map(([k, v]) => [k, new AlertTemplate(spec.name, v)]);
  }

  /** Prometheus' generator URL: the table view of the expression. */
  generatorURL(): string {
    return `${this.ctx.externalURL.replace(/\/$/, '')}/graph?g0.expr=${queryEscape(this.expr)}&g0.tab=1`;
  }

  /** Schedules restoration of saved alerts; applied at the next evaluation, when its time is known. */
  /** Restored firing alerts held firing without data until these times (see RestoredAlerts.restoreHold). */
  private readonly restoreHoldUntil = new Map<string, number>();

  restore(saved: RestoredAlerts): void {
    this.pendingRestore = saved;
  }

  private applyRestore(ts: number): void {
    const saved = this.pendingRestore;
    this.pendingRestore = undefined;
    if (!saved || saved.alerts.length === 0) return;
    // Like Prometheus: after a long outage, state is stale and starts afresh.
    if (ts - saved.downAt > saved.outageTolerance) return;
    for (const a of saved.alerts) {
      const alert = copyAlert(a);
      if (alert.state === 'pending') {
        // Time spent pending before the restart counts; the downtime does not
        // (Prometheus' RestoreForState), with at least forGracePeriod left.
        const remaining = this.holdDuration - (saved.downAt - alert.activeAt);
        if (remaining > 0 && remaining < saved.forGracePeriod) {
          alert.activeAt = ts + saved.forGracePeriod - this.holdDuration;
        } else if (remaining > 0) {
          alert.activeAt += ts - saved.downAt;
        }
      }
      if (alert.state === 'firing' && saved.restoreHold > 0) this.restoreHoldUntil.set(labelsKey(alert.labels), ts + saved.restoreHold);
      this.active.set(labelsKey(alert.labels), alert);
    }
  }

  /** Runs one evaluation at ts (ms). Throws on query or template-label errors (the rule's lastError). */
  async eval(ts: number, query: QueryFunc, limit: number, opts: AlertingEvalOptions = {}): Promise<AlertingEvalResult> {
    this.applyRestore(ts);
    const queryTs = ts - this.ctx.queryOffset;
    const res = await query(this.expr, queryTs, opts.query);
    const templateQuery = (q: string): VectorSample[] => {
      if (!opts.templateQuery) throw new Error('query is not available in this template context');
      return opts.templateQuery(q, ts);
    };
    const returned = new Map<string, Alert>();
    for (const smpl of res) {
      const data = {
        labels: smpl.metric, externalLabels: this.ctx.externalLabels, externalURL: this.ctx.externalURL, value: smpl.value,
      };
      const lb: Labels = { ...smpl.metric };
      delete lb[METRIC_NAME];
      for (const [name, t] of this.labelTemplates) setLabel(lb, name, t.expand(data, { query: templateQuery }));
      lb[ALERT_NAME] = this.name;
      const annotations: Labels = {};
      for (const [name, t] of this.annotationTemplates) annotations[name] = t.expand(data, { query: templateQuery });
      const key = labelsKey(lb);
      if (returned.has(key)) throw new Error('vector contains metrics with the same labelset after applying alert labels');
      returned.set(key, { labels: sortedLabels(lb), annotations, activeAt: ts, state: 'pending', value: smpl.value });
    }

    const fresh = this.damping ? this.damping.apply(returned) : returned;
    for (const [key, a] of fresh) {
      const existing = this.active.get(key);
      if (existing && existing.state !== 'inactive') {
        existing.value = a.value;
        existing.annotations = a.annotations;
        continue;
      }
      // A series held active by damping but absent now becomes active now, not when last returned.
      this.active.set(key, a.activeAt === ts ? a : { ...a, activeAt: ts });
    }

    const samples: VectorSample[] = [];
    const transitions: AlertTransition[] = [];
    let numActivePending = 0;
    for (const [key, a] of this.active) {
      if (!fresh.has(key)) {
        let keepFiring = false;
        const holdUntil = this.restoreHoldUntil.get(key);
        if (a.state === 'firing' && holdUntil !== undefined && ts < holdUntil) keepFiring = true;
        else if (a.state === 'firing' && this.keepFiringFor > 0) {
          if (a.keepFiringSince === undefined) a.keepFiringSince = ts;
          if (ts - a.keepFiringSince < this.keepFiringFor) keepFiring = true;
        }
        // Pending alerts vanish at once; resolved ones after the retention period.
        if (a.state === 'pending' || (a.resolvedAt !== undefined && ts - a.resolvedAt > RESOLVED_RETENTION_MS)) {
          this.active.delete(key);
        }
        if (a.state !== 'inactive' && !keepFiring) {
          if (a.state === 'firing') {
            transitions.push({ rule: this.name, to: 'resolved', at: ts, alert: copyAlert({ ...a, state: 'inactive', resolvedAt: ts }) });
          }
          a.state = 'inactive';
          a.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = undefined;
        this.restoreHoldUntil.delete(key);
      }
      numActivePending++;
      if (a.state === 'pending' && ts - a.activeAt >= this.holdDuration) {
        a.state = 'firing';
        a.firedAt = ts;
        transitions.push({ rule: this.name, to: 'firing', at: ts, alert: copyAlert(a) });
      }
      samples.push(
        { metric: { ...a.labels, [METRIC_NAME]: ALERTS_METRIC, [ALERT_STATE]: a.state }, t: queryTs, value: 1 },
        { metric: { ...a.labels, [METRIC_NAME]: ALERTS_FOR_STATE_METRIC }, t: queryTs, value: Math.floor(a.activeAt / 1000) },
      );
    }
    if (limit > 0 && numActivePending > limit) {
      this.active.clear();
      throw new Error(`exceeded limit of ${limit} with ${numActivePending} alerts`);
    }
    return { samples, transitions };
  }

  /**
   * Alerts due for (re-)sending at ts, marked as sent: firing ones every
   * resendDelay with endsAt (validUntil) four periods ahead, resolved ones
   * when newly resolved and then every resendDelay while retained.
   */
  sendAlerts(ts: number, resendDelay: number, interval: number): SentAlert[] {
    const out: SentAlert[] = [];
    const delta = Math.max(resendDelay, interval);
    for (const a of this.active.values()) {
      if (!needsSending(a, ts, resendDelay)) continue;
      a.lastSentAt = ts;
      a.validUntil = ts + 4 * delta;
      out.push({ ...copyAlert(a), generatorURL: this.generatorURL() });
    }
    return out;
  }

  /** Alerts not resolved (pending or firing), as the API lists them. */
  activeAlerts(): Alert[] {
    return [...this.active.values()].filter((a) => a.state !== 'inactive');
  }

  allAlerts(): Alert[] {
    return [...this.active.values()];
  }

  state(): AlertState {
    return maxState([...this.active.values()].map((a) => a.state));
  }
}

function needsSending(a: Alert, ts: number, resendDelay: number): boolean {
  if (a.state === 'pending') return false;
  // Resolved since the last send: send the resolution now.
  if (a.resolvedAt !== undefined && a.resolvedAt > (a.lastSentAt ?? -Infinity)) return true;
  return (a.lastSentAt ?? -Infinity) + resendDelay < ts;
}
