/**
 * The notify pipeline one flush of one group runs through, stage by stage
 * as Alertmanager's: time intervals (mute_time_intervals /
 * active_time_intervals of the route), inhibition and silences (muted alerts
 * dropped), then fan-out to each integration of the receiver in parallel:
 * dedup against the notification log, drop resolved alerts unless
 * send_resolved, deliver (retry/timeout/breaker), and record what was sent.
 * Integrations never wait on each other; the flush reports success only when
 * all succeeded, so resolved alerts are kept for a retry otherwise.
 */
import type { Logger } from 'pino';
import type { Delivery } from '../notify/delivery';
import { buildMessage, ZERO_TIME, type NotifiedAlert } from '../notify/message';
import { alertOrder, goTime, isResolved, type Alert } from './alert';
import type { AggregationGroup } from './group';
import { IntegrationQueue } from './integration-queue';
import type { Inhibitor } from './inhibit';
import { needsUpdate, type NflogKey, type NotificationLog } from './nflog';
import type { Silences } from './silence';
import type { TimeIntervals } from './timeinterval';
import type { Clock } from './timer';

export interface ReceiverRuntime {
  name: string;
  deliveries: Delivery[];
}

export interface PipelineDeps {
  receivers: ReadonlyMap<string, ReceiverRuntime>;
  nflog: NotificationLog;
  silences: Silences;
  inhibitor: Inhibitor;
  timeIntervals: TimeIntervals;
  now: Clock;
  externalURL: string;
  logger: Logger;
  /** Aborted on shutdown: in-flight deliveries stop. */
  signal: AbortSignal;
}

function toNotified(a: Alert, now: number): NotifiedAlert {
  const resolved = isResolved(a, now);
  return {
    status: resolved ? 'resolved' : 'firing',
    labels: a.labels,
    annotations: a.annotations,
    startsAt: goTime(a.startsAt),
    endsAt: resolved ? goTime(a.endsAt) : ZERO_TIME,
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
  };
}

export class NotifyPipeline {
  /** Keyed like the notification log, so a group re-created with the same key shares its queues. */
  private readonly queues = new Map<string, IntegrationQueue>();

  constructor(private readonly deps: PipelineDeps) {}

  private queue(key: NflogKey): IntegrationQueue {
    const id = JSON.stringify([key.groupKey, key.receiver, key.integration]);
    let q = this.queues.get(id);
    if (!q) {
      const created = new IntegrationQueue(() => { if (this.queues.get(id) === created) this.queues.delete(id); });
      this.queues.set(id, created);
      q = created;
    }
    return q;
  }

  /** Integration queues with a delivery running or waiting (tests, metrics). */
  busyQueues(): number {
    let n = 0;
    for (const q of this.queues.values()) if (q.busy) n++;
    return n;
  }

  /** Whether a route's time intervals silence it at this instant. */
  mutedByTime(group: AggregationGroup, now: number): string | undefined {
    const { route } = group;
    const muting = route.muteTimeIntervals.find((n) => this.deps.timeIntervals.active(n, now));
    if (muting) return `mute_time_intervals ${muting}`;
    if (route.activeTimeIntervals.length && !route.activeTimeIntervals.some((n) => this.deps.timeIntervals.active(n, now))) {
      return `outside active_time_intervals ${route.activeTimeIntervals.join(', ')}`;
    }
    return undefined;
  }

  /** Whether this alert is muted by a silence or an inhibition rule. */
  muted(a: Alert): boolean {
    return this.deps.silences.silencedBy(a.labels).length > 0 || this.deps.inhibitor.inhibitedBy(a.labels, a.fingerprint).length > 0;
  }

  async run(group: AggregationGroup, alerts: Alert[]): Promise<boolean> {
    const { deps } = this;
    const now = deps.now();
    const receiver = deps.receivers.get(group.route.receiver);
    if (!receiver || receiver.deliveries.length === 0) return true;
    const timeMute = this.mutedByTime(group, now);
    if (timeMute) {
      deps.logger.debug({ groupKey: group.groupKey, receiver: receiver.name, reason: timeMute }, 'notification muted by time interval');
      // Resolved alerts stay in the group (a "failed" flush) so their resolution goes out once the
      // mute window ends; Alertmanager drops them here (a deliberate difference, see README).
      return !alerts.some((a) => isResolved(a, now));
    }
    const sorted = [...alerts].sort(alertOrder);
    const unmuted: NotifiedAlert[] = [];
    // Resolved but silenced/inhibited: sent only where the firing was notified (deliverOne checks the log),
    // so a silence never swallows the resolution of a page that went out.
    const mutedResolved: NotifiedAlert[] = [];
    for (const a of sorted) {
      if (!this.muted(a)) unmuted.push(toNotified(a, now));
      else if (isResolved(a, now)) mutedResolved.push(toNotified(a, now));
    }
    if (unmuted.length === 0 && mutedResolved.length === 0) return true;
    const results = await Promise.all(receiver.deliveries.map((d) => {
      const key: NflogKey = { groupKey: group.groupKey, receiver: receiver.name, integration: `${d.integration.name}[${d.integration.index}]` };
      return this.queue(key).submit(() => this.deliverOne(group, receiver, d, key, unmuted, mutedResolved));
    }));
    return results.every(Boolean);
  }

  private async deliverOne(
    group: AggregationGroup, receiver: ReceiverRuntime, delivery: Delivery, key: NflogKey, unmuted: NotifiedAlert[], mutedResolved: NotifiedAlert[],
  ): Promise<boolean> {
    const { deps } = this;
    if (deps.signal.aborted) return false;
    const integ = delivery.integration;
    // Read the clock when the delivery runs, not when the flush queued it (it may have waited behind a slow one).
    const now = deps.now();
    const entry = deps.nflog.get(key);
    const owed = mutedResolved.filter((a) => entry?.firing.has(a.fingerprint));
    const alerts = owed.length ? [...unmuted, ...owed] : unmuted;
    if (alerts.length === 0) return true;
    if (owed.length) alerts.sort(alertOrder);
    const firing = new Set(alerts.filter((a) => a.status === 'firing').map((a) => a.fingerprint));
    const resolved = new Set(alerts.filter((a) => a.status === 'resolved').map((a) => a.fingerprint));
    if (!needsUpdate(entry, firing, resolved, integ.sendResolved, group.route.repeatInterval, now)) return true;
    const toSend = integ.sendResolved ? alerts : alerts.filter((a) => a.status === 'firing');
    if (toSend.length > 0) {
      const msg = buildMessage({ receiver: receiver.name, groupKey: group.groupKey, groupLabels: group.groupLabels, externalURL: deps.externalURL, alerts: toSend });
      try {
        await delivery.deliver(msg, deps.signal);
      } catch {
        return false;
      }
    }
    if (deps.signal.aborted) return false;
    deps.nflog.log(key, firing, resolved, deps.now());
    return true;
  }
}
