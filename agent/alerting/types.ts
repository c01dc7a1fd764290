/**
 * The contract between rule evaluation (the Prometheus side) and
 * notification (the Alertmanager side): alerts in the shape of Alertmanager's
 * API v2 PostableAlert, which Prometheus sends to POST /api/v2/alerts.
 * Firing alerts are re-sent periodically; an alert with endsAt in the past is
 * resolved.
 */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339 */
  startsAt: string;
  /** RFC 3339; for firing alerts a time in the future (Prometheus sends now + 4 x resend delay). */
  endsAt?: string;
  generatorURL?: string;
}

/** Where rule evaluation hands alerts: the local Alertmanager-semantics notifier and/or remote Alertmanagers. */
export interface AlertSink {
  send(alerts: PostableAlert[]): void;
}
