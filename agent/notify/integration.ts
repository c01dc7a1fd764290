/**
 * An integration is one entry of a receiver's *_configs list: it knows how to
 * render and deliver a notification. Retries, timeouts, circuit breaking and
 * metrics are wrapped around it by delivery.ts, so integrations stay simple:
 * throw on failure (HttpError with the status tells 4xx from 5xx).
 */
import type { NotificationMessage } from './message';

export type IntegrationName = 'slack' | 'email' | 'pagerduty' | 'webhook' | 'log';

export interface Integration {
  readonly name: IntegrationName;
  /** Position in the receiver's list of this integration type (Alertmanager's integration index). */
  readonly index: number;
  readonly sendResolved: boolean;
  notify(msg: NotificationMessage, signal: AbortSignal): Promise<void>;
}

/** A non-2xx answer; 4xx other than 429 are not retried (the request would never succeed). */
export class HttpError extends Error {
  constructor(readonly url: string, readonly status: number, body: string, readonly retryAfterMs?: number) {
    super(`POST ${redact(url)}: HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'HttpError';
  }

  get retryable(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

/** A Retry-After header (delay-seconds or an HTTP date) in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Incoming-webhook URLs are secrets: logs show scheme, host and a redacted path. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '/' : '/<redacted>'}`;
  } catch {
    return '<invalid url>';
  }
}
