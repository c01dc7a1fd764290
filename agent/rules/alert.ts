/**
 * An alert produced by an alerting rule and its state machine's states,
 * as in Prometheus' rules.Alert. Times are ms since the epoch; an absent
 * time is Go's zero time ("never").
 */
import type { Labels } from '../store/types';

export type AlertState = 'inactive' | 'pending' | 'firing';

export interface Alert {
  /** The alert's identity: the sample's labels minus __name__, plus rule labels and alertname. */
  labels: Labels;
  annotations: Labels;
  /** The sample value at the last evaluation that produced this alert. */
  value: number;
  state: AlertState;
  /** When the expression first returned this label set (start of pending). */
  activeAt: number;
  /** When it went from pending to firing (Alertmanager's startsAt). */
  firedAt?: number;
  /** When it stopped firing; resolved alerts are kept RESOLVED_RETENTION_MS for re-sending. */
  resolvedAt?: number;
  /** Last time it was handed to the notifier. */
  lastSentAt?: number;
  /** endsAt sent for a firing alert: a few resend periods ahead, so a crashed agent's alerts expire. */
  validUntil?: number;
  /** When the expression stopped returning it while keep_firing_for holds it firing. */
  keepFiringSince?: number;
}

/** Prometheus' resolvedRetention: resolved alerts are re-sent for this long. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** An alert handed to notification, with the link back to its expression. */
export interface SentAlert extends Alert {
  generatorURL: string;
}

/** A firing or resolved change of one alert, reported for telemetry (OTel logs, counters). */
export interface AlertTransition {
  rule: string;
  to: 'firing' | 'resolved';
  at: number;
  alert: Alert;
}

/** Receives alerts due for (re-)sending after a rule's evaluation at time t. */
export type NotifyFunc = (alerts: SentAlert[], t: number) => void;

export function copyAlert(a: Alert): Alert {
  return { ...a, labels: { ...a.labels }, annotations: { ...a.annotations } };
}

const STATE_ORDER: Record<AlertState, number> = { inactive: 0, pending: 1, firing: 2 };

/** The "most active" of states (a rule is firing if any of its alerts fires). */
export function maxState(states: Iterable<AlertState>): AlertState {
  let best: AlertState = 'inactive';
  for (const s of states) if (STATE_ORDER[s] > STATE_ORDER[best]) best = s;
  return best;
}
