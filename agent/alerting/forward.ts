/**
 * Forwarding to real Alertmanagers (alerting.alertmanagers), the way
 * Prometheus' notifier does it: alerts are queued, sent in batches as a JSON
 * array to {url}/api/v2/alerts of every Alertmanager in parallel, each POST
 * bounded by its timeout. Like Prometheus, a failed batch is counted and
 * logged, not retried: firing alerts are re-sent by rule evaluation anyway.
 * The queue is bounded; the oldest alerts are dropped when it overflows.
 */
import type { Logger } from 'pino';
import type { FetchFn } from '../notify/http';
import { postJson } from '../notify/http';
import { redact } from '../notify/integration';
import type { NotifyTelemetry } from '../notify/telemetry';
import type { PostableAlert } from './types';

export interface ForwardTarget { url: string; timeout: number }

const MAX_BATCH = 256;
const MAX_QUEUE = 10_000;

export class AlertmanagerForwarder {
  private queue: PostableAlert[] = [];
  private draining = false;
  private readonly inflight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  dropped = 0;

  constructor(
    private readonly targets: readonly ForwardTarget[],
    private readonly fetchFn: FetchFn,
    private readonly telemetry: NotifyTelemetry,
    private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.targets.length > 0;
  }

  enqueue(alerts: PostableAlert[]): void {
    if (!this.enabled || this.abort.signal.aborted || alerts.length === 0) return;
    this.queue.push(...alerts);
    if (this.queue.length > MAX_QUEUE) {
      const over = this.queue.length - MAX_QUEUE;
      this.queue.splice(0, over);
      this.dropped += over;
      this.logger.warn({ dropped: over }, 'alertmanager forwarding queue full; dropped oldest alerts');
    }
    if (!this.draining) {
      this.draining = true;
      // Batch everything handed over in this tick of the event loop.
      setImmediate(() => { void this.drain(); });
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length && !this.abort.signal.aborted) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await Promise.all(this.targets.map((t) => this.post(t, batch)));
      }
    } finally {
      this.draining = false;
    }
  }

  private post(t: ForwardTarget, batch: PostableAlert[]): Promise<void> {
    const url = `${t.url.replace(/\/+$/, '')}/api/v2/alerts`;
    const attrs = { integration: 'alertmanager', receiver: redact(t.url) };
    const p = (async () => {
      const t0 = performance.now();
      this.telemetry.attempts.add(1, attrs);
      try {
        await postJson(this.fetchFn, url, batch, AbortSignal.any([this.abort.signal, AbortSignal.timeout(t.timeout)]));
        this.logger.debug({ alertmanager: redact(t.url), alerts: batch.length }, 'alerts forwarded to alertmanager');
      } catch (err) {
        this.telemetry.failed.add(1, attrs);
        this.logger.error({ alertmanager: redact(t.url), alerts: batch.length, err: (err as Error).message }, 'forwarding alerts to alertmanager failed');
      } finally {
        this.telemetry.latency.record((performance.now() - t0) / 1000, attrs);
      }
    })();
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }

  /** Sends what is queued (bounded by each target's timeout), then refuses more. */
  async close(): Promise<void> {
    if (this.queue.length && !this.draining) await this.drain();
    await Promise.all([...this.inflight]);
    this.abort.abort();
  }
}
