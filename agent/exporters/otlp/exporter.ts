/**
 * The OTLP/HTTP exporter component. consume() only enqueues (so the app gets
 * its answer fast); one worker per signal batches what is waiting by size
 * and time, sends it, and retries retryable failures with backoff until they
 * succeed, max_elapsed_time passes, or the shutdown deadline comes. A batch
 * is acknowledged only after delivery or a permanent refusal, so while one
 * batch is retried later ones wait behind it, in order.
 */
import { retry, handleType, DelegateBackoff, TaskCancelledError, type IRetryBackoffContext } from 'cockatiel';
import type { Logger } from 'pino';
import { RetryableError, type Component, type Consumer, type Host } from '../../component/component';
import { countItems } from '../../otlp/count';
import type { Signal, SignalData } from '../../otlp/model';
import { SIGNALS } from '../../otlp/model';
import { MemoryQueue, type ExportQueue, type QueueEntry } from '../../queue';
import { backoffDelay, type BackoffSettings } from './backoff';
import type { OtlpExporterConfig } from './config';
import { mergeEntries } from './merge';
import { encodeRequest, PermanentSendError, RetryableSendError, sendOnce, signalUrl } from './send';
import { createExporterTelemetry, type ExporterTelemetry } from './telemetry';

export interface OtlpExporterOptions {
  id?: string;
  queue?: ExportQueue;
  /** How long shutdown() may spend flushing (the service passes its shutdown_timeout). */
  shutdownDeadlineMs?: number;
  random?: () => number;
}

class RetriesExhaustedError extends Error {}

export class OtlpExporter implements Component, Consumer {
  readonly id: string;
  private readonly queue: ExportQueue;
  private logger?: Logger;
  private telemetry?: ExporterTelemetry;
  private accepting = false;
  private flushing = false;
  private readonly wake: Record<Signal, (() => void) | undefined> = { traces: undefined, metrics: undefined, logs: undefined };
  private workers: Promise<void>[] = [];
  private readonly abort = new AbortController();
  private stopping?: Promise<void>;
  private readonly backoff: BackoffSettings;

  constructor(private readonly config: OtlpExporterConfig, private readonly opts: OtlpExporterOptions = {}) {
    this.id = opts.id ?? 'otlp';
    this.queue = opts.queue ?? new MemoryQueue(config.sending_queue.queue_size);
    const r = config.retry_on_failure;
    this.backoff = { initialIntervalMs: r.initial_interval, maxIntervalMs: r.max_interval, multiplier: r.multiplier, randomizationFactor: r.randomization_factor };
  }

  async start(host: Host): Promise<void> {
    if (this.stopping) throw new Error(`exporter ${this.id} was shut down`);
    this.logger = host.logger.child({ component: `exporter/${this.id}` });
    this.telemetry = createExporterTelemetry(host.meter, this.queue, this.id);
    this.accepting = true;
    this.workers = SIGNALS.map((signal) => this.runWorker(signal));
    this.logger.info({ endpoint: this.config.endpoint, encoding: this.config.encoding, compression: this.config.compression }, 'exporting upstream');
  }

  async consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    const items = countItems(signal, data);
    if (!this.accepting) {
      throw new RetryableError(`exporter ${this.id} is not accepting data (${this.stopping ? 'shutting down' : 'not started'})`);
    }
    if (!this.queue.offer(signal, data, items)) {
      this.telemetry?.enqueueFailed.add(items, { exporter: this.id, signal });
      throw new RetryableError(`exporter ${this.id} queue is full (${this.queue.capacity} requests); retry later`);
    }
    if (this.queue.pending(signal).items >= this.config.batch.send_batch_size) this.wake[signal]?.();
  }

  /** Waits until a batch is due: enough items, the oldest waited batch.timeout, or a flush. */
  private async nextBatch(signal: Signal): Promise<QueueEntry[] | undefined> {
    for (;;) {
      const p = this.queue.pending(signal);
      if (p.entries > 0) {
        const age = Date.now() - (p.oldestAt ?? Date.now());
        if (this.flushing || p.items >= this.config.batch.send_batch_size || age >= this.config.batch.timeout) {
          return this.queue.take(signal, this.config.batch.send_batch_size);
        }
      } else if (this.flushing || this.abort.signal.aborted) {
        return undefined;
      }
      const waitMs = p.entries > 0 ? Math.max(1, this.config.batch.timeout - (Date.now() - (p.oldestAt ?? Date.now()))) : this.config.batch.timeout;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, waitMs);
        function done() { clearTimeout(timer); resolve(); }
        this.wake[signal] = done;
      });
      this.wake[signal] = undefined;
    }
  }

  private async runWorker(signal: Signal): Promise<void> {
    for (;;) {
      const entries = await this.nextBatch(signal);
      if (!entries) return;
      await this.deliver(signal, entries);
    }
  }

  private async deliver(signal: Signal, entries: QueueEntry[]): Promise<void> {
    const items = entries.reduce((n, e) => n + e.items, 0);
    const attrs = { exporter: this.id, signal };
    const started = Date.now();
    const url = signalUrl(this.config.endpoint, signal);
    const log = this.logger!;
    try {
      const request = await encodeRequest(signal, mergeEntries(signal, entries), this.config);
      const maxElapsed = this.config.retry_on_failure.max_elapsed_time;
      const policy = retry(handleType(RetryableSendError), {
        maxAttempts: this.config.retry_on_failure.enabled ? Number.MAX_SAFE_INTEGER : 0,
        backoff: new DelegateBackoff((ctx: IRetryBackoffContext<unknown>) => {
          const err = 'error' in ctx.result ? ctx.result.error : undefined;
          const retryAfter = err instanceof RetryableSendError ? err.retryAfterMs : undefined;
          return backoffDelay(ctx.attempt, this.backoff, retryAfter, this.opts.random);
        }),
      });
      policy.onRetry((reason) => {
        const err = 'error' in reason ? reason.error : undefined;
        log.warn({ signal, items, delayMs: reason.delay, err: err?.message }, 'export failed, will retry');
      });
      const partial = await policy.execute(async ({ attempt, signal: cancel }) => {
        if (attempt > 0 && maxElapsed > 0 && Date.now() - started > maxElapsed) {
          throw new RetriesExhaustedError(`gave up after ${attempt} attempts over ${Date.now() - started} ms (retry_on_failure.max_elapsed_time)`);
        }
        return sendOnce(url, request, signal, this.config, cancel);
      }, this.abort.signal);
      const rejected = Math.min(items, partial.rejected);
      if (rejected > 0) {
        this.telemetry!.failed.add(rejected, { ...attrs, reason: 'rejected' });
        log.warn({ signal, rejected, message: partial.errorMessage }, 'upstream rejected part of a batch (partial success)');
      }
      this.telemetry!.sent.add(items - rejected, attrs);
      this.telemetry!.duration.record((Date.now() - started) / 1000, attrs);
      this.queue.ack(entries);
    } catch (err) {
      this.queue.ack(entries);
      const reason = err instanceof PermanentSendError ? 'rejected'
        : err instanceof TaskCancelledError || this.abort.signal.aborted ? 'shutdown'
          : 'retries_exhausted';
      this.telemetry!.failed.add(items, { ...attrs, reason });
      log.error({ signal, items, reason, err: (err as Error).message }, `dropped ${items} ${signal} items: ${(err as Error).message}`);
    }
  }

  /** Stops accepting, flushes what is queued until the deadline, then drops the rest (counted). Idempotent. */
  shutdown(): Promise<void> {
    this.stopping ??= this.doShutdown();
    return this.stopping;
  }

  private async doShutdown(): Promise<void> {
    this.accepting = false;
    if (!this.workers.length) return;
    this.flushing = true;
    for (const s of SIGNALS) this.wake[s]?.();
    const deadlineMs = this.opts.shutdownDeadlineMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => { timer = setTimeout(() => resolve('deadline'), deadlineMs); });
    const outcome = await Promise.race([Promise.all(this.workers).then(() => 'flushed' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'deadline') {
      this.abort.abort();
      for (const s of SIGNALS) this.wake[s]?.();
      await Promise.all(this.workers);
      // Whatever never got taken is dropped now; count it so the loss is visible.
      for (const signal of SIGNALS) {
        const left = this.queue.take(signal, Number.MAX_SAFE_INTEGER);
        while (left.length) {
          const items = left.reduce((n, e) => n + e.items, 0);
          this.queue.ack(left);
          this.telemetry?.failed.add(items, { exporter: this.id, signal, reason: 'shutdown' });
          this.logger?.error({ signal, items }, `shutdown deadline passed: dropped ${items} undelivered ${signal} items`);
          left.length = 0;
          left.push(...this.queue.take(signal, Number.MAX_SAFE_INTEGER));
        }
      }
    }
    this.logger?.info({ outcome }, 'exporter stopped');
  }
}
