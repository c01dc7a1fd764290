/**
 * Slack without 429s: Slack allows an incoming webhook about one message
 * per second (https://api.slack.com/apis/rate-limits), and a burst of
 * notification groups (a deploy, an outage) would otherwise be refused
 * with 429 and retried blindly. Per webhook URL, messages go out at most
 * `messages_per_second`; those that must wait queue up and, when their
 * turn comes, every queued message for the same channel/username/icon is
 * sent as ONE message with all their attachments (up to Slack's 100), so a
 * burst costs one request instead of being dropped or delayed by minutes.
 * A 429 pauses that webhook for its Retry-After (up to
 * `max_retry_after`) and the messages wait at the head of the queue.
 * Settings: alerting.slack_rate_limit.
 * Waiting messages are counted (lookout_slack_messages_delayed_total,
 * reason rate|retry_after, and _merged_total), a line is logged at most
 * every 10 s per webhook, and the queue is bounded (`max_queued`): beyond
 * it a message fails now and its delivery is retried (lossless: the
 * notification pipeline retries failed deliveries).
 */
import type { Counter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { HttpError, redact } from './integration';

/** Slack's limit on attachments in one message. */
const MAX_ATTACHMENTS = 100;
const LOG_EVERY_MS = 10_000;

export interface SlackRateSettings {
  messagesPerSecond: number;
  /** Messages waiting per webhook URL. */
  maxQueued: number;
  /** A longer Retry-After fails the waiting messages instead (their deliveries retry later). */
  maxRetryAfterMs: number;
}

export const DEFAULT_SLACK_RATE: SlackRateSettings = { messagesPerSecond: 1, maxQueued: 1000, maxRetryAfterMs: 60_000 };

export type SlackMessage = Record<string, unknown> & { attachments?: unknown[] };
export type SlackPost = (payload: SlackMessage, signal: AbortSignal) => Promise<void>;

interface Waiter {
  payload: SlackMessage;
  post: SlackPost;
  signal: AbortSignal;
  resolve: () => void;
  reject: (err: Error) => void;
  onAbort: () => void;
  aborted: boolean;
}

interface Lane {
  url: string;
  queue: Waiter[];
  /** Earliest time the next message may go (ms). */
  nextAt: number;
  running: boolean;
  lastLog: number;
  timer?: NodeJS.Timeout;
  wake?: () => void;
}

export interface SlackRateTelemetry {
  delayed: Counter;
  merged: Counter;
}

function sameTarget(a: SlackMessage, b: SlackMessage): boolean {
  const { attachments: _a, ...ra } = a;
  const { attachments: _b, ...rb } = b;
  return JSON.stringify(ra) === JSON.stringify(rb);
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted while waiting for the Slack rate limit');
}

export class SlackRateLimiter {
  private readonly lanes = new Map<string, Lane>();
  private closed = false;

  constructor(
    private settings: SlackRateSettings,
    private readonly telemetry: SlackRateTelemetry,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  reconfigure(settings: SlackRateSettings): void {
    this.settings = settings;
  }

  /** Messages waiting for this webhook (tests, debugging). */
  queued(url: string): number {
    return this.lanes.get(url)?.queue.length ?? 0;
  }

  /** Resolves once the message (possibly merged with others) was accepted by Slack; rejects with the delivery error. */
  send(url: string, payload: SlackMessage, post: SlackPost, signal: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(new Error('alerting is shutting down'));
    if (signal.aborted) return Promise.reject(abortError(signal));
    let lane = this.lanes.get(url);
    if (!lane) {
      lane = { url, queue: [], nextAt: 0, running: false, lastLog: 0 };
      this.lanes.set(url, lane);
    }
    const l = lane;
    if (l.queue.length >= this.settings.maxQueued) {
      return Promise.reject(new Error(`slack ${redact(url)}: ${l.queue.length} messages already wait for the rate limit (alerting.slack_rate_limit.max_queued); will retry`));
    }
    const mustWait = l.running || l.queue.length > 0 || l.nextAt > this.now();
    if (mustWait) {
      this.telemetry.delayed.add(1, { reason: 'rate' });
      this.logDelay(l, 'rate', l.nextAt - this.now());
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        payload, post, signal, resolve, reject, aborted: false,
        onAbort: () => {
          w.aborted = true;
          const i = l.queue.indexOf(w);
          if (i >= 0) {
            l.queue.splice(i, 1);
            reject(abortError(signal));
          }
        },
      };
      signal.addEventListener('abort', w.onAbort, { once: true });
      l.queue.push(w);
      void this.pump(l);
    });
  }

  /** Fails every waiting message (shutdown). */
  close(): void {
    this.closed = true;
    for (const l of this.lanes.values()) {
      if (l.timer) clearTimeout(l.timer);
      l.wake?.();
      for (const w of l.queue.splice(0)) this.settle(w, new Error('alerting is shutting down'));
    }
  }

  private settle(w: Waiter, err?: Error) {
    w.signal.removeEventListener('abort', w.onAbort);
    if (err) w.reject(err); else w.resolve();
  }

  private logDelay(l: Lane, reason: string, waitMs: number) {
    const t = this.now();
    if (t - l.lastLog < LOG_EVERY_MS) return;
    l.lastLog = t;
    this.logger.warn({ webhook: redact(l.url), reason, waitMs: Math.max(0, Math.round(waitMs)), queued: l.queue.length + 1 },
      'slack messages delayed to stay within the webhook rate limit; queued messages are merged into one');
  }

  private sleep(l: Lane, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      l.wake = () => resolve();
      l.timer = setTimeout(resolve, ms);
    }).then(() => { l.timer = undefined; l.wake = undefined; });
  }

  /** Head of the queue plus every later message for the same target, up to Slack's attachment limit. */
  private takeBatch(l: Lane): Waiter[] {
    const head = l.queue.shift()!;
    const batch = [head];
    let attachments = head.payload.attachments?.length ?? 0;
    for (let i = 0; i < l.queue.length;) {
      const w = l.queue[i];
      const n = w.payload.attachments?.length ?? 0;
      if (sameTarget(head.payload, w.payload) && attachments + n <= MAX_ATTACHMENTS) {
        batch.push(w);
        attachments += n;
        l.queue.splice(i, 1);
      } else i++;
    }
    return batch;
  }

  private async pump(l: Lane): Promise<void> {
    if (l.running) return;
    l.running = true;
    try {
      while (l.queue.length > 0 && !this.closed) {
        const wait = l.nextAt - this.now();
        if (wait > 0) {
          await this.sleep(l, wait);
          continue;
        }
        const batch = this.takeBatch(l);
        if (batch.length > 1) this.telemetry.merged.add(batch.length - 1);
        const payload: SlackMessage = batch.length === 1 ? batch[0].payload
          : { ...batch[0].payload, attachments: batch.flatMap((w) => w.payload.attachments ?? []) };
        l.nextAt = this.now() + 1000 / this.settings.messagesPerSecond;
        // The request is shared: it is abandoned only when every message in it was abandoned.
        const ctrl = new AbortController();
        const abandon = () => { if (batch.every((w) => w.aborted)) ctrl.abort(abortError(batch[0].signal)); };
        for (const w of batch) w.signal.addEventListener('abort', abandon, { once: true });
        try {
          await batch[0].post(payload, ctrl.signal);
          for (const w of batch) this.settle(w);
        } catch (err) {
          const e = err as Error;
          const retryAfter = e instanceof HttpError && e.status === 429 ? (e.retryAfterMs ?? 1000) : undefined;
          const live = batch.filter((w) => !w.aborted);
          if (retryAfter !== undefined && retryAfter <= this.settings.maxRetryAfterMs && live.length > 0 && !this.closed) {
            l.nextAt = this.now() + retryAfter;
            l.queue.unshift(...live);
            this.telemetry.delayed.add(live.length, { reason: 'retry_after' });
            this.logDelay(l, 'retry_after', retryAfter);
            for (const w of batch.filter((x) => x.aborted)) this.settle(w, abortError(w.signal));
          } else {
            for (const w of batch) this.settle(w, w.aborted ? abortError(w.signal) : e);
          }
        } finally {
          for (const w of batch) w.signal.removeEventListener('abort', abandon);
        }
      }
    } finally {
      l.running = false;
      if (l.queue.length === 0 && l.nextAt <= this.now()) this.lanes.delete(l.url);
    }
  }
}
