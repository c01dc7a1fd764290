/**
 * The OTLP/HTTP exporter component. consume() only enqueues, so the app gets
 * its answer as soon as the data is safely held; per signal,
 * sending_queue.num_consumers consumers take batches that are due (enough
 * items, or the oldest waited batch.timeout) and deliver them with retries.
 * An entry leaves the queue only once delivered or dropped for good, so while
 * a batch is retried the ones behind it wait (in order, with one consumer).
 *
 * Shutdown stops accepting, flushes without waiting for batch.timeout, and at
 * the deadline aborts what is still in flight: undelivered data is counted and
 * logged as lost, or, with a durable queue, left in it for the next start.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { RetryableError, type Component, type Consumer, type Host } from '../../component/component';
import { countItems, formatItemCount } from '../../otlp/count';
import { SIGNALS, type Signal, type SignalData } from '../../otlp/model';
import { rawBytesOf } from '../../otlp/raw';
import { DiskQueue, MemoryQueue, type ExportQueue, type QueueEntry } from '../../queue';
import type { OtlpExporterConfig } from './config';
import { Delivery } from './delivery';
import { signalUrl } from './send';
import { ExporterTelemetry } from './telemetry';
import { Wakeup } from './wakeup';

export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;

export interface OtlpExporterOptions {
  /** Component id for logs and the `exporter` metric attribute (default "otlp"). */
  id?: string;
  /**
   * The queue to use (default: per sending_queue.storage, a DiskQueue under
   * <storage.dir>/queue/<id> or a MemoryQueue); the exporter closes it at shutdown.
   */
  queue?: ExportQueue;
  /** How long shutdown() may spend flushing when not given a deadline (the service passes its shutdown_timeout). */
  shutdownDeadlineMs?: number;
  /**
   * When the whole service's shutdown must be done (ms since the epoch), if
   * it began: components stopped before the exporter used part of the time,
   * so this beats shutdownDeadlineMs (the service passes it).
   */
  shutdownDeadlineAt?: () => number | undefined;
  /** Jitter source for retry delays (tests). */
  random?: () => number;
}

interface Running {
  logger: Logger;
  telemetry: ExporterTelemetry;
  delivery: Delivery;
  workers: Promise<void>[];
}

export class OtlpExporter implements Component, Consumer {
  readonly id: string;
  /** Set at construction (memory, or given), or at start (disk: the folder comes with the host). */
  private queue: ExportQueue | undefined;
  private readonly wakeups: Record<Signal, Wakeup> = { traces: new Wakeup(), metrics: new Wakeup(), logs: new Wakeup() };
  /** Aborted at the shutdown deadline: in-flight sends and retry waits stop. */
  private readonly abort = new AbortController();
  private running?: Running;
  private accepting = false;
  /** Shutdown began: send whatever waits, without waiting for batch.timeout. */
  private flushing = false;
  private stopped?: Promise<void>;
  /** Items the shutdown deadline left undelivered: lost (memory queue) or kept (durable queue). */
  private readonly lost: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  private readonly kept: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };

  constructor(private config: OtlpExporterConfig, private readonly opts: OtlpExporterOptions = {}) {
    this.id = opts.id ?? 'otlp';
    const q = config.sending_queue;
    this.queue = opts.queue ?? (q.storage === 'memory' ? new MemoryQueue(q.queue_size, { sizer: q.sizer }) : undefined);
  }

  /** The durable queue in storage.dir; recovers what an earlier run left (and reports corruption) before accepting. */
  private openDiskQueue(host: Host, logger: Logger): ExportQueue {
    const q = this.config.sending_queue;
    // One folder per exporter instance: otlp/2 is queue/otlp~2 (never inside otlp's own folder).
    const dir = path.join(host.storageDir, 'queue', this.id.replaceAll('/', '~'));
    try {
      return new DiskQueue({
        dir, maxBytes: q.max_bytes, maxAgeMs: q.max_age, syncIntervalMs: q.sync_interval, logger,
        onExpired: (signal, items) => this.running?.telemetry.dropped(signal, items, 'expired'),
      });
    } catch (err) {
      throw new Error(`exporters.otlp.sending_queue: cannot open the disk queue in ${dir}: ${(err as Error).message}`);
    }
  }

  async start(host: Host): Promise<void> {
    if (this.stopped) throw new Error(`exporter ${this.id} was shut down and cannot be started again`);
    if (this.running) throw new Error(`exporter ${this.id} is already started`);
    const logger = host.logger.child({ component: `exporter/${this.id}` });
    this.queue ??= this.openDiskQueue(host, logger);
    const telemetry = new ExporterTelemetry(host.meter, this.queue, this.id);
    const delivery = new Delivery({ config: this.config, logger, telemetry, cancel: this.abort.signal, random: this.opts.random });
    const workers: Promise<void>[] = [];
    for (const signal of SIGNALS) {
      for (let i = 0; i < this.config.sending_queue.num_consumers; i++) workers.push(this.runConsumer(signal));
    }
    this.running = { logger, telemetry, delivery, workers };
    this.accepting = true;
    logger.info({
      endpoint: this.config.endpoint, encoding: this.config.encoding, compression: this.config.compression,
      queue_capacity: this.queue.capacity, sizer: this.queue.sizer, durable: this.queue.durable,
    }, `exporting to ${this.config.endpoint}`);
  }

  async consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    if (!this.accepting || !this.running || !this.queue) {
      throw new RetryableError(`exporter ${this.id} is ${this.stopped ? 'shutting down' : 'not started yet'}; retry later`);
    }
    const items = countItems(signal, data);
    // The bytes the request arrived as, when nothing changed it (the fast path): stored without encoding again.
    if (!this.queue.offer(signal, data, items, rawBytesOf(data))) {
      this.running.telemetry.refused(signal, items);
      const limit = this.queue.sizer === 'bytes' ? `sending_queue.max_bytes ${this.queue.capacity}` : `sending_queue.queue_size ${this.queue.capacity} ${this.queue.sizer}`;
      throw new RetryableError(
        `exporter ${this.id}: the ${signal} queue is full or cannot be written (${limit}); ` +
        `the upstream ${this.config.endpoint} is slow or down, retry later`);
    }
    const p = this.queue!.pending(signal);
    // A first entry starts the batch timer; a full batch goes now.
    if (p.entries === 1 || p.items >= this.config.batch.send_batch_size) this.wakeups[signal].wakeAll();
  }

  /**
   * Reload: endpoint, headers, encoding, compression, timeout, batching and
   * retry apply to the next batch (one in flight finishes as it started);
   * the queue and what it holds stay. Returns the keys that need a restart.
   */
  applyConfig(config: OtlpExporterConfig): string[] {
    const needsRestart = JSON.stringify(config.sending_queue) === JSON.stringify(this.config.sending_queue) ? [] : ['exporters.otlp.sending_queue'];
    this.config = { ...config, sending_queue: this.config.sending_queue };
    const running = this.running;
    if (running) {
      const delivery = new Delivery({ config: this.config, logger: running.logger, telemetry: running.telemetry, cancel: this.abort.signal, random: this.opts.random });
      this.running = { ...running, delivery };
      for (const signal of SIGNALS) this.wakeups[signal].wakeAll();
    }
    return needsRestart;
  }

  /** Stops accepting, flushes what is queued until the deadline, then gives up on the rest. Idempotent. */
  shutdown(deadlineMs?: number): Promise<void> {
    const at = this.opts.shutdownDeadlineAt?.();
    const budget = deadlineMs ?? (at !== undefined ? Math.max(100, at - Date.now()) : this.opts.shutdownDeadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS);
    this.stopped ??= this.stop(budget);
    return this.stopped;
  }

  /** Waits until a batch of `signal` is due and takes it; undefined when the consumer should stop. */
  private async nextBatch(signal: Signal): Promise<QueueEntry[] | undefined> {
    const { send_batch_size: batchSize, timeout } = this.config.batch;
    for (;;) {
      if (this.abort.signal.aborted) return undefined;
      const p = this.queue!.pending(signal);
      if (p.entries === 0) {
        if (this.flushing) return undefined;
        await this.wakeups[signal].wait();
        continue;
      }
      const age = Date.now() - (p.oldestAt ?? 0);
      if (this.flushing || p.items >= batchSize || age >= timeout) return this.queue!.take(signal, batchSize);
      await this.wakeups[signal].wait(timeout - age);
    }
  }

  private async runConsumer(signal: Signal): Promise<void> {
    for (;;) {
      const entries = await this.nextBatch(signal);
      if (!entries) return;
      await this.send(signal, entries);
    }
  }

  private async send(signal: Signal, entries: QueueEntry[]): Promise<void> {
    const { logger, telemetry, delivery } = this.running!;
    let items = 0;
    for (const e of entries) items += e.items;
    let undelivered = 0;
    try {
      undelivered = await delivery.deliver(signal, entries, items);
    } catch (err) {
      // Only splitting a malformed request built in code could throw here; a consumer must survive it.
      telemetry.dropped(signal, items, 'rejected');
      logger.error({ signal, items, err: (err as Error).message }, `cannot batch ${formatItemCount(signal, items)}: ${(err as Error).message}; dropped`);
    }
    if (undelivered === 0) {
      this.queue!.ack(entries);
    } else if (this.queue!.durable) {
      // The whole batch is sent again at the next start (parts already delivered may arrive twice: at-least-once).
      this.queue!.nack(entries);
    } else {
      this.queue!.ack(entries);
      telemetry.dropped(signal, undelivered, 'shutdown');
      this.lost[signal] += undelivered;
    }
  }

  private async stop(deadlineMs: number): Promise<void> {
    this.accepting = false;
    const running = this.running;
    if (!running) {
      this.queue?.close();
      return;
    }
    this.flushing = true;
    for (const s of SIGNALS) this.wakeups[s].wakeAll();
    const finished = Promise.all(running.workers);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => { timer = setTimeout(() => resolve('deadline'), deadlineMs); });
    const outcome = await Promise.race([finished.then(() => 'flushed' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'deadline') {
      this.abort.abort();
      for (const s of SIGNALS) this.wakeups[s].wakeAll();
      await finished;
      this.settleLeftovers();
    }
    for (const signal of SIGNALS) {
      const url = signalUrl(this.config.endpoint, signal);
      if (this.lost[signal] > 0) {
        running.logger.error({ signal, items: this.lost[signal], endpoint: url, deadline_ms: deadlineMs },
          `shutdown deadline (${deadlineMs} ms) passed: ${formatItemCount(signal, this.lost[signal])} not delivered to ${url}, dropped`);
      }
      if (this.kept[signal] > 0) {
        running.logger.warn({ signal, items: this.kept[signal], endpoint: url, deadline_ms: deadlineMs },
          `shutdown deadline (${deadlineMs} ms) passed: ${formatItemCount(signal, this.kept[signal])} stay in the durable queue for the next start`);
      }
    }
    running.delivery.close();
    this.queue!.close();
    running.logger.info({ outcome }, outcome === 'flushed' ? 'exporter stopped, queue flushed' : 'exporter stopped at the shutdown deadline');
  }

  /** After the deadline (consumers stopped, in-flight batches settled): what waits is lost (memory queue) or stays (durable queue). */
  private settleLeftovers(): void {
    for (const signal of SIGNALS) {
      const p = this.queue!.pending(signal);
      if (p.entries === 0) continue;
      if (this.queue!.durable) {
        this.kept[signal] = p.items;
        this.running!.telemetry.leftForNextStart(signal, p.items);
        continue;
      }
      const left = this.queue!.take(signal, Number.MAX_SAFE_INTEGER);
      this.queue!.ack(left);
      this.running!.telemetry.dropped(signal, p.items, 'shutdown');
      this.lost[signal] += p.items;
    }
  }
}
