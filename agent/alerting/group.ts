/**
 * An aggregation group: the alerts of one route sharing the same group
 * labels. Its timer fires first after group_wait (at once if an alert is
 * older than group_wait, e.g. after a restart), then every group_interval;
 * each firing flushes the group's alerts into the notify pipeline. After a
 * successful flush, resolved alerts that did not change meanwhile are
 * dropped, and an empty group ends. A flush never blocks the next tick:
 * each integration serializes its own deliveries (integration-queue.ts), so
 * one slow integration does not hold back the others of the group.
 */
import { isResolved, type Alert } from './alert';
import type { Route } from './route';
import type { Clock, Timers, TimerHandle } from './timer';

export type FlushFn = (group: AggregationGroup, alerts: Alert[]) => Promise<boolean>;

export class AggregationGroup {
  private readonly alerts = new Map<string, Alert>();
  private timer?: TimerHandle;
  private hasFlushed = false;
  private stopped = false;

  constructor(
    readonly route: Route,
    readonly groupLabels: Record<string, string>,
    readonly groupKey: string,
    private readonly now: Clock,
    private readonly timers: Timers,
    private readonly flushFn: FlushFn,
    private readonly onEmpty: (g: AggregationGroup) => void,
  ) {
    this.schedule(route.groupWait);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => this.tick(), ms);
  }

  insert(alert: Alert): void {
    this.alerts.set(alert.fingerprint, alert);
    // An alert already older than group_wait need not wait again (Alertmanager does the same).
    if (!this.hasFlushed && alert.startsAt + this.route.groupWait < this.now()) this.schedule(0);
  }

  list(): Alert[] {
    return [...this.alerts.values()];
  }

  empty(): boolean {
    return this.alerts.size === 0;
  }

  private tick(): void {
    this.timer = undefined;
    this.hasFlushed = true;
    this.schedule(this.route.groupInterval);
    void this.flush();
  }

  /** Runs one flush: hands the current alerts to the pipeline, then forgets resolved alerts it delivered. */
  async flush(): Promise<void> {
    if (this.stopped) return;
    const snapshot = this.list();
    if (snapshot.length === 0) return;
    const ok = await this.flushFn(this, snapshot);
    if (this.stopped) return;
    if (ok) {
      const now = this.now();
      for (const a of snapshot) {
        const cur = this.alerts.get(a.fingerprint);
        // An alert re-sent since the snapshot (updatedAt moved) is kept: its newest state was not notified yet.
        if (cur && cur.updatedAt === a.updatedAt && isResolved(cur, now)) this.alerts.delete(a.fingerprint);
      }
    }
    if (this.empty()) {
      this.stop();
      this.onEmpty(this);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}
