/**
 * Forwarding to real Alertmanagers (alerting.alertmanagers), the way
 * Prometheus' notifier does it: every alert rule evaluation hands over is
 * POSTed as a JSON array of PostableAlerts to {url}/api/v2/alerts, in
 * batches, so a cluster-wide Alertmanager deduplicates across pods. Each
 * Alertmanager has its own queue, retry (backoff + jitter), circuit breaker
 * and per-attempt timeout, so a dead one never delays another. The queues
 * are bounded: when one overflows, its oldest alerts are dropped (firing
 * alerts are re-sent by rule evaluation anyway) and counted.
 */
import type { Counter } from '@opentelemetry/api';
import type { IPolicy } from 'cockatiel';
import type { Logger } from 'pino';
import { deliveryPolicy, type DeliverySettings } from '../notify/delivery';
import { postJson, splitUserinfo, type FetchFn } from '../notify/http';
import { redact } from '../notify/integration';
import type { NotifyTelemetry } from '../notify/telemetry';
import type { PostableAlert } from './types';

export interface ForwardTarget {
  url: string;
  /** Per POST attempt, ms. */
  timeout: number;
  headers?: Record<string, string>;
}

export const MAX_BATCH = 256;
export const MAX_QUEUE = 10_000;

/** One Alertmanager: its own queue and policy. */
class TargetQueue {
  private queue: PostableAlert[] = [];
  private draining?: Promise<void>;
  private readonly policy: IPolicy;
  private readonly endpoint: string;
  private readonly headers: Record<string, string>;
  private readonly attrs: Record<string, string>;

  constructor(
    private readonly target: ForwardTarget,
    settings: DeliverySettings,
    private readonly fetchFn: FetchFn,
    private readonly telemetry: NotifyTelemetry,
    private readonly dropped: Counter,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
  ) {
    this.policy = deliveryPolicy({ ...settings, timeoutMs: target.timeout });
    // user:password@ in the URL is sent as basic auth (fetch refuses URLs with credentials), as Prometheus does.
    const { url, headers } = splitUserinfo(target.url);
    this.endpoint = `${url.replace(/\/+$/, '')}/api/v2/alerts`;
    this.headers = { ...headers, ...target.headers };
    this.attrs = { integration: 'alertmanager', receiver: redact(target.url) };
  }

  /** Identity for reload: a target with the same settings keeps its queue. */
  get key(): string {
    return targetKey(this.target);
  }

  enqueue(alerts: PostableAlert[]): void {
    this.queue.push(...alerts);
    if (this.queue.length > MAX_QUEUE) {
      const over = this.queue.length - MAX_QUEUE;
      this.queue.splice(0, over);
      this.dropped.add(over, this.attrs);
      this.logger.warn({ alertmanager: this.attrs.receiver, dropped: over }, 'alertmanager forwarding queue full; dropped the oldest alerts');
    }
    this.kick();
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = (async () => {
      // Batch everything handed over in this turn of the event loop.
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        await this.drain();
      } finally {
        this.draining = undefined;
      }
      // Alerts enqueued between the last batch and here would otherwise wait for the next send().
      if (this.queue.length && !this.signal.aborted) this.kick();
    })();
  }

  private async drain(): Promise<void> {
    while (this.queue.length && !this.signal.aborted) {
      const batch = this.queue.splice(0, MAX_BATCH);
      await this.post(batch);
    }
  }

  private async post(batch: PostableAlert[]): Promise<void> {
    try {
      await this.policy.execute(async ({ signal }) => {
        const t0 = performance.now();
        this.telemetry.attempts.add(1, this.attrs);
        try {
          await postJson(this.fetchFn, this.endpoint, batch, signal, { headers: this.headers });
        } catch (err) {
          this.telemetry.failed.add(1, this.attrs);
          this.logger.warn({ alertmanager: this.attrs.receiver, alerts: batch.length, err: (err as Error).message }, 'forwarding attempt to alertmanager failed');
          throw err;
        } finally {
          this.telemetry.latency.record((performance.now() - t0) / 1000, this.attrs);
        }
      }, this.signal);
      this.logger.debug({ alertmanager: this.attrs.receiver, alerts: batch.length }, 'alerts forwarded to alertmanager');
    } catch (err) {
      this.dropped.add(batch.length, this.attrs);
      this.logger.error({ alertmanager: this.attrs.receiver, alerts: batch.length, err: (err as Error).message }, 'forwarding alerts to alertmanager failed; they go again with the next evaluation');
    }
  }

  /** Resolves when the queue is empty and nothing is in flight. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }
}

function targetKey(t: ForwardTarget): string {
  return JSON.stringify([t.url, t.timeout, Object.entries(t.headers ?? {}).sort()]);
}

export class AlertmanagerForwarder {
  private queues: TargetQueue[];
  private readonly abort = new AbortController();
  /** Queues of targets a reload removed, still draining. */
  private readonly retiring = new Set<TargetQueue>();

  constructor(
    targets: readonly ForwardTarget[],
    private readonly settings: DeliverySettings,
    private readonly fetchFn: FetchFn,
    private readonly telemetry: NotifyTelemetry,
    private readonly logger: Logger,
  ) {
    this.queues = targets.map((t) => this.newQueue(t));
  }

  private newQueue(t: ForwardTarget): TargetQueue {
    return new TargetQueue(t, this.settings, this.fetchFn, this.telemetry, this.telemetry.dropped, this.logger, this.abort.signal);
  }

  /**
   * Reload: targets with unchanged settings keep their queue (and what it
   * holds); new ones get a queue; removed ones finish sending what they hold.
   */
  reconfigure(targets: readonly ForwardTarget[]): void {
    const old = new Map(this.queues.map((q) => [q.key, q]));
    this.queues = targets.map((t) => {
      const k = targetKey(t);
      const q = old.get(k);
      old.delete(k);
      return q ?? this.newQueue(t);
    });
    for (const q of old.values()) {
      this.retiring.add(q);
      void q.idle().finally(() => this.retiring.delete(q));
    }
  }

  get enabled(): boolean {
    return this.queues.length > 0;
  }

  enqueue(alerts: PostableAlert[]): void {
    if (!this.enabled || this.abort.signal.aborted || alerts.length === 0) return;
    for (const q of this.queues) q.enqueue(alerts);
  }

  /** Resolves once every queue is empty (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.queues, ...this.retiring].map((q) => q.idle()));
  }

  /** Sends what is queued (each bounded by its policy), or gives up after `deadlineMs`, then refuses more. */
  async close(deadlineMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => { timer = setTimeout(resolve, deadlineMs); timer.unref(); });
    await Promise.race([this.idle(), deadline]);
    clearTimeout(timer);
    this.abort.abort();
    await this.idle();
  }
}
