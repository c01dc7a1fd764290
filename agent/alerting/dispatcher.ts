/**
 * The dispatcher: keeps the alert store (merging re-sent alerts, resolving
 * them when endsAt passes), sends each alert down the route tree into the
 * aggregation group of every matching route (created on demand, removed
 * when it empties), and lets groups flush through the notify pipeline.
 */
import { isResolved, mergeAlert, type Alert } from './alert';
import { AggregationGroup } from './group';
import { groupKey, labelsString } from './key';
import type { NotifyPipeline } from './pipeline';
import type { Route } from './route';
import type { Clock, Timers } from './timer';

/** How long a resolved alert stays visible (API, inhibition bookkeeping) after it left every group. */
const RESOLVED_RETENTION_MS = 15 * 60_000;

export interface DispatcherLimits {
  /** Alerts kept (firing and recently resolved); 0 = no limit. */
  maxAlerts: number;
  /** Called with the alerts a put() refused because the store was full. */
  onRefused?: (refused: Alert[]) => void;
}

export class Dispatcher {
  private readonly store = new Map<string, Alert>();
  private readonly groups = new Map<string, AggregationGroup>();
  private stopped = false;
  private readonly inflight = new Set<Promise<boolean>>();

  constructor(
    private readonly root: Route | undefined,
    private readonly pipeline: NotifyPipeline | undefined,
    private readonly now: Clock,
    private readonly timers: Timers,
    private readonly limits: DispatcherLimits = { maxAlerts: 0 },
  ) {}

  /**
   * Whether an alert with this fingerprint would be stored: known alerts
   * always are (updates and resolutions must never be lost); a new one when
   * there is room, after evicting resolved alerts no group holds any more.
   */
  accepts(fingerprint: string, evict = true): boolean {
    const max = this.limits.maxAlerts;
    if (max <= 0 || this.store.size < max || this.store.has(fingerprint)) return true;
    if (evict) this.gc(true);
    return this.store.size < max;
  }

  /** Stores the alerts and routes them; returns the routes each went to (none for an alert refused by max_alerts). */
  put(alerts: Alert[]): Route[][] {
    const out: Route[][] = [];
    const refused: Alert[] = [];
    for (const a of alerts) {
      const old = this.store.get(a.fingerprint);
      // One eviction pass per batch: a flood of new alerts into a full store stays O(batch + store).
      if (!old && !this.accepts(a.fingerprint, refused.length === 0)) {
        refused.push(a);
        out.push([]);
        continue;
      }
      const merged = old ? mergeAlert(old, a) : a;
      this.store.set(a.fingerprint, merged);
      const routes = this.root ? this.root.match(merged.labels) : [];
      out.push(routes);
      if (this.stopped || !this.pipeline) continue;
      for (const route of routes) this.group(route, merged.labels).insert(merged);
    }
    this.gc();
    if (refused.length) this.limits.onRefused?.(refused);
    return out;
  }

  private group(route: Route, labels: Record<string, string>): AggregationGroup {
    const gl = route.groupLabels(labels);
    const mapKey = `${route.id}|${labelsString(gl)}`;
    let g = this.groups.get(mapKey);
    if (!g || g.isStopped) {
      const pipeline = this.pipeline!;
      g = new AggregationGroup(route, gl, groupKey(route.key, gl), this.now, this.timers,
        (grp, alerts) => {
          const p = pipeline.run(grp, alerts);
          this.inflight.add(p);
          void p.finally(() => this.inflight.delete(p));
          return p;
        },
        (grp) => { if (this.groups.get(mapKey) === grp) this.groups.delete(mapKey); });
      this.groups.set(mapKey, g);
    }
    return g;
  }

  /** Every stored alert (firing and recently resolved). */
  alerts(): Alert[] {
    return [...this.store.values()];
  }

  groupsList(): AggregationGroup[] {
    return [...this.groups.values()];
  }

  /** Drops resolved alerts no group holds any more, after a grace period (at once when `full`). */
  gc(full = false): void {
    const now = this.now();
    let held: Set<string> | undefined;
    for (const [fp, a] of this.store) {
      if (!isResolved(a, now) || (!full && a.endsAt > now - RESOLVED_RETENTION_MS)) continue;
      held ??= new Set(this.groupsList().flatMap((g) => g.list().map((x) => x.fingerprint)));
      if (!held.has(fp)) this.store.delete(fp);
    }
  }

  /** Resolves once no flush is in flight (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  stop(): void {
    this.stopped = true;
    for (const g of this.groups.values()) g.stop();
    this.groups.clear();
  }
}
