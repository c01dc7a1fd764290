/**
 * The Overview's numbers, read from the agent's /metrics samples, and the
 * one-line verdict at the top ("is the agent healthy, is anything firing").
 */
import { select, sumBy, total, type Sample } from './metrics-text';

export const SIGNALS = ['traces', 'metrics', 'logs'] as const;

export interface SignalRow {
  signal: string;
  accepted?: number;
  refused?: number;
}

export function receiverRows(s: readonly Sample[]): SignalRow[] {
  return SIGNALS.map((signal) => ({
    signal,
    accepted: total(s, 'lookout_receiver_accepted_items_total', { signal }),
    refused: total(s, 'lookout_receiver_refused_items_total', { signal }),
  }));
}

export interface ExporterRow {
  signal: string;
  sent?: number;
  failed?: number;
  enqueueFailed?: number;
  queued?: number;
  capacity?: number;
  /** Seconds the oldest queued entry has waited, when the queue exports it. */
  oldestAge?: number;
}

/** The queue's oldest-entry gauge, whatever its unit suffix (age in seconds, or a timestamp). */
function oldestAge(s: readonly Sample[], signal: string, nowMs: number): number | undefined {
  const age = total(s, 'lookout_queue_oldest_entry_age_seconds', { signal }) ?? total(s, 'lookout_exporter_queue_oldest_age_seconds', { signal });
  if (age !== undefined) return age;
  const ts = total(s, 'lookout_exporter_queue_oldest_timestamp_seconds', { signal });
  return ts === undefined || ts === 0 ? undefined : Math.max(0, nowMs / 1000 - ts);
}

/** One row per signal, or none when no exporter is configured (no lookout_exporter_* series). */
export function exporterRows(s: readonly Sample[], nowMs: number): ExporterRow[] {
  if (!s.some((x) => x.name.startsWith('lookout_exporter_'))) return [];
  return SIGNALS.map((signal) => ({
    signal,
    sent: total(s, 'lookout_exporter_sent_items_total', { signal }),
    failed: total(s, 'lookout_exporter_send_failed_items_total', { signal }),
    enqueueFailed: total(s, 'lookout_exporter_enqueue_failed_items_total', { signal }),
    queued: total(s, 'lookout_exporter_queue_size', { signal }),
    capacity: total(s, 'lookout_exporter_queue_capacity', { signal }),
    oldestAge: oldestAge(s, signal, nowMs),
  }));
}

export interface IntegrationRow {
  integration: string;
  attempts: number;
  failed: number;
}

export function notifierRows(s: readonly Sample[]): IntegrationRow[] {
  const attempts = sumBy(s, 'lookout_notifications_total', 'integration');
  const failed = sumBy(s, 'lookout_notifications_failed_total', 'integration');
  const names = [...new Set([...attempts.keys(), ...failed.keys()])].sort();
  return names.map((integration) => ({ integration, attempts: attempts.get(integration) ?? 0, failed: failed.get(integration) ?? 0 }));
}

export type Level = 'ok' | 'warn' | 'crit';

export interface Verdict {
  level: Level;
  reasons: string[];
}

/** Worst-first reasons the agent or the app needs a look; "ok" with none. */
export function verdict(s: readonly Sample[], groupsWithErrors: number): Verdict {
  const crit: string[] = [];
  const warn: string[] = [];
  // The notifier's "active" count excludes silenced and inhibited alerts; without a notifier, the rules' "firing".
  const firing = total(s, 'lookout_alerts', { state: 'active' }) ?? total(s, 'lookout_rule_alerts', { state: 'firing' }) ?? 0;
  if (firing > 0) crit.push(`${firing} alert${firing === 1 ? '' : 's'} firing`);
  if (total(s, 'lookout_config_last_reload_successful') === 0) crit.push('the last config reload failed (the previous config is running)');
  const exportFailed = total(s, 'lookout_exporter_send_failed_items_total') ?? 0;
  if (exportFailed > 0) warn.push(`${exportFailed} items failed to export upstream`);
  for (const q of select(s, 'lookout_exporter_queue_size')) {
    const cap = total(s, 'lookout_exporter_queue_capacity', { signal: q.labels.signal ?? '' });
    if (cap && q.value / cap >= 0.8) warn.push(`exporter queue for ${q.labels.signal} is ${Math.round((q.value / cap) * 100)}% full`);
  }
  const refused = total(s, 'lookout_receiver_refused_items_total') ?? 0;
  if (refused > 0) warn.push(`${refused} received items refused`);
  const storeRefused = total(s, 'lookout_store_refused_samples_total') ?? 0;
  if (storeRefused > 0) warn.push(`${storeRefused} samples refused by the store`);
  if (groupsWithErrors > 0) warn.push(`${groupsWithErrors} rule group${groupsWithErrors === 1 ? '' : 's'} with errors`);
  const notifyFailed = total(s, 'lookout_notifications_failed_total') ?? 0;
  if (notifyFailed > 0) warn.push(`${notifyFailed} notifications failed`);
  const pending = total(s, 'lookout_rule_alerts', { state: 'pending' }) ?? 0;
  if (pending > 0) warn.push(`${pending} alert${pending === 1 ? '' : 's'} pending`);
  // Silenced alerts are known and handled: mentioned, but they do not raise the level.
  const suppressed = total(s, 'lookout_alerts', { state: 'suppressed' }) ?? 0;
  const notes = suppressed > 0 ? [`${suppressed} alert${suppressed === 1 ? '' : 's'} silenced or inhibited`] : [];
  return { level: crit.length ? 'crit' : warn.length ? 'warn' : 'ok', reasons: [...crit, ...warn, ...notes] };
}

export interface AgentRow {
  /** Seconds: the largest event-loop delay seen (the gauge), else the histogram's p99. */
  loopDelay?: number;
  loopDelayKind?: 'max' | 'p99';
  /** Resident set size in bytes. */
  rss?: number;
}

/** The q-quantile of a cumulative Prometheus histogram's buckets (linear within a bucket, as histogram_quantile). */
export function bucketQuantile(s: readonly Sample[], name: string, q: number): number | undefined {
  const buckets = new Map<number, number>();
  for (const b of select(s, `${name}_bucket`)) {
    const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le);
    if (!Number.isNaN(le)) buckets.set(le, (buckets.get(le) ?? 0) + b.value);
  }
  const sorted = [...buckets].sort(([a], [b]) => a - b);
  const count = sorted.at(-1)?.[1];
  if (!count || sorted.at(-1)![0] !== Infinity) return undefined;
  const rank = q * count;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, c] of sorted) {
    if (c >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + (le - prevLe) * ((rank - prevCount) / Math.max(c - prevCount, Number.MIN_VALUE));
    }
    prevLe = le;
    prevCount = c;
  }
  return undefined;
}

/** The agent's own event-loop delay and memory, from its /metrics. */
export function agentRow(s: readonly Sample[]): AgentRow {
  const max = total(s, 'lookout_event_loop_delay_max_seconds');
  const p99 = max === undefined ? bucketQuantile(s, 'lookout_event_loop_delay_seconds', 0.99) : undefined;
  const loopDelay = max ?? p99;
  return {
    loopDelay,
    loopDelayKind: loopDelay === undefined ? undefined : max !== undefined ? 'max' : 'p99',
    rss: total(s, 'lookout_process_resident_memory_bytes'),
  };
}
