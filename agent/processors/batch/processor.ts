/**
 * The batch processor: requests of one signal wait until send_batch_size
 * items are waiting or the oldest waited `timeout`, then go on as one
 * merged request (cut at send_batch_max_size). Lossless: each caller's
 * consume() resolves only when the merged request it is part of was
 * accepted downstream (e.g. held by the exporter's durable queue), and a
 * refusal goes back to every caller, so the senders retry; nothing is
 * acknowledged that only this processor holds (the Collector's batch
 * processor acknowledges first and loses its buffer on a crash).
 * A refusal of one part of a split batch makes every caller retry: parts
 * already accepted may arrive twice (at-least-once).
 * Shutdown sends what waits at once; afterwards requests are refused (retryable).
 */
import type { Counter } from '@opentelemetry/api';
import { RetryableError, type Component, type Consumer, type Host } from '../../component/component';
import { countItems } from '../../otlp/count';
import { SIGNALS, type Signal, type SignalData } from '../../otlp/model';
import type { BatchConfig } from './config';
import { mergeRequests } from './merge';
import { splitRequest } from './split';

interface Waiting {
  requests: SignalData[Signal][];
  items: number;
  timer?: NodeJS.Timeout;
  settle: { resolve: () => void; reject: (err: unknown) => void }[];
}

type Trigger = 'size' | 'timeout' | 'shutdown';

export class BatchProcessor implements Component, Consumer {
  /** Merging builds new requests around the same resources; nothing is changed in place. */
  readonly mutatesData = false;
  private readonly waiting = new Map<Signal, Waiting>();
  private stopped = false;
  private sends?: Counter;

  constructor(readonly id: string, private readonly config: BatchConfig, private readonly next: Consumer) {}

  async start(host: Host): Promise<void> {
    this.sends = host.meter.createCounter('lookout_processor_batch_sends_total', {
      description: 'Batches the batch processor sent on, by what triggered them (size, timeout, shutdown).',
    });
  }

  consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    if (this.stopped) return Promise.reject(new RetryableError(`processor ${this.id} is shutting down; retry later`));
    if (this.config.timeout === 0) return this.forward(signal, [data], 'size');
    let w = this.waiting.get(signal);
    if (!w) {
      w = { requests: [], items: 0, settle: [] };
      this.waiting.set(signal, w);
      w.timer = setTimeout(() => void this.flush(signal, 'timeout'), this.config.timeout);
    }
    w.requests.push(data);
    w.items += countItems(signal, data);
    const done = new Promise<void>((resolve, reject) => w.settle.push({ resolve, reject }));
    if (w.items >= this.config.send_batch_size) void this.flush(signal, 'size');
    return done;
  }

  /** Sends what waits for `signal` and settles its callers with the outcome. */
  private flush(signal: Signal, trigger: Trigger): Promise<void> {
    const w = this.waiting.get(signal);
    if (!w) return Promise.resolve();
    this.waiting.delete(signal);
    clearTimeout(w.timer);
    return this.forward(signal, w.requests, trigger).then(
      () => { for (const s of w.settle) s.resolve(); },
      (err: unknown) => { for (const s of w.settle) s.reject(err); },
    );
  }

  private async forward<S extends Signal>(signal: S, requests: SignalData[S][], trigger: Trigger): Promise<void> {
    const merged = mergeRequests(signal, requests);
    const max = this.config.send_batch_max_size;
    const parts = max > 0 ? splitRequest(signal, merged, max) : [merged];
    this.sends?.add(1, { processor: this.id, signal, trigger });
    for (const part of parts) await this.next.consume(signal, part);
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Sent at once, without waiting for the timeout; the callers get the outcome.
    await Promise.all(SIGNALS.map((signal) => this.flush(signal, 'shutdown')));
  }
}
