/**
 * The dispatcher's view of an alert: times as epoch ms, the fingerprint
 * precomputed. An alert is resolved once endsAt is not after now; alerts
 * that arrive without endsAt get now + global.resolve_timeout (Alertmanager's
 * "timeout" alerts), so they resolve unless re-sent.
 */
import type { PostableAlert } from './types';
import { fingerprint } from './key';

export interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
  fingerprint: string;
  /** When the store last changed this alert; a group deletes a resolved alert only if unchanged since its flush. */
  updatedAt: number;
  /** endsAt came from resolve_timeout, not from the sender. */
  timeout: boolean;
}

export function isResolved(a: Alert, now: number): boolean {
  return a.endsAt <= now;
}

function parseTime(text: string | undefined, what: string): number | undefined {
  if (text === undefined || text === '' || text.startsWith('0001-01-01')) return undefined;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new Error(`${what} ${JSON.stringify(text)} is not an RFC 3339 time`);
  return t;
}

/** Validates and converts one posted alert; throws with the reason (like Alertmanager's 400 answers). */
export function fromPostable(p: PostableAlert, now: number, resolveTimeoutMs: number): Alert {
  // An empty label value means "no label" (Prometheus semantics), so such labels are dropped, not refused.
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.labels ?? {})) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k)) throw new Error(`invalid label name ${JSON.stringify(k)}`);
    if (typeof v !== 'string') throw new Error(`label ${k} has a non-string value`);
    if (v !== '') labels[k] = v;
  }
  if (Object.keys(labels).length === 0) throw new Error('alert has no labels');
  const startsAt = parseTime(p.startsAt, 'startsAt') ?? now;
  const postedEnd = parseTime(p.endsAt, 'endsAt');
  if (postedEnd !== undefined && postedEnd < startsAt) throw new Error('endsAt is before startsAt');
  return {
    labels,
    annotations: { ...(p.annotations ?? {}) },
    startsAt,
    endsAt: postedEnd ?? now + resolveTimeoutMs,
    generatorURL: p.generatorURL ?? '',
    fingerprint: fingerprint(labels),
    updatedAt: now,
    timeout: postedEnd === undefined,
  };
}

/**
 * Merges a re-sent alert into the stored one, as Alertmanager's Alert.Merge:
 * the earlier start wins while the two overlap, the newer update supplies
 * endsAt and annotations, and a "timeout" end never shortens a real one.
 */
export function mergeAlert(old: Alert, next: Alert): Alert {
  const overlaps = next.startsAt <= old.endsAt && old.startsAt <= next.endsAt;
  if (!overlaps) return next;
  const merged: Alert = { ...next };
  if (old.startsAt < next.startsAt) merged.startsAt = old.startsAt;
  if (next.timeout && !old.timeout && old.endsAt > next.endsAt) merged.endsAt = old.endsAt;
  return merged;
}

/** Go's LabelSet.Before: fewer labels first, then the first differing value in name order. */
function labelSetBefore(a: Record<string, string>, b: Record<string, string>): boolean {
  const an = Object.keys(a);
  const bn = Object.keys(b);
  if (an.length !== bn.length) return an.length < bn.length;
  for (const name of [...an, ...bn].sort()) {
    const av = a[name];
    if (av === undefined) return true;
    const bv = b[name];
    if (bv === undefined) return false;
    if (av !== bv) return av < bv;
  }
  return false;
}

/**
 * The order Alertmanager puts a group's alerts in before notifying
 * (types.AlertSlice): by `job`, then `instance` (alerts without one last),
 * then LabelSet.Before. It decides which alerts a webhook's max_alerts keeps.
 */
export function alertOrder(x: { labels: Record<string, string> }, y: { labels: Record<string, string> }): number {
  for (const key of ['job', 'instance']) {
    const xv = x.labels[key];
    const yv = y.labels[key];
    if (xv === undefined && yv === undefined) continue;
    if (xv === undefined) return 1;
    if (yv === undefined) return -1;
    if (xv !== yv) return xv < yv ? -1 : 1;
  }
  if (labelSetBefore(x.labels, y.labels)) return -1;
  return labelSetBefore(y.labels, x.labels) ? 1 : 0;
}

/**
 * A time as Go's RFC3339Nano prints it (Alertmanager's JSON): UTC, the
 * fraction without trailing zeros and none at all when zero
 * (`…:36.07Z`, `…:36Z`), where toISOString always has three digits.
 */
export function goTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d{3})Z$/, (_, f: string) => (/^0+$/.test(f) ? 'Z' : `.${f.replace(/0+$/, '')}Z`));
}
