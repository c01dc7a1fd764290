/**
 * The exporter's self-metrics, the Collector's otelcol_exporter_* with
 * Lookout's prefix, attributes {exporter, signal} (+ reason on failures).
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { queueUsage, type DurableQueueStats, type ExportQueue } from '../../queue';
import { SIGNALS, type Signal } from '../../otlp/model';

/** Why items were dropped, the `reason` attribute of lookout_exporter_send_failed_items. */
export type DropReason = 'rejected' | 'retries_exhausted' | 'shutdown' | 'expired';

/** 1 ms .. 30 s: a loopback send takes about a millisecond, the default timeout is 10 s. */
export const SEND_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class ExporterTelemetry {
  private readonly sent: Counter;
  private readonly failed: Counter;
  private readonly enqueueFailed: Counter;
  private readonly left: Counter;
  private readonly duration: Histogram;
  /** Attribute sets built once: these are recorded on every batch. */
  private readonly attrs: Record<Signal, Attributes>;
  private readonly failedAttrs: Record<Signal, Record<DropReason, Attributes>>;

  constructor(meter: Meter, queue: ExportQueue, exporterId: string) {
    const attrs = (signal: Signal) => ({ exporter: exporterId, signal });
    this.attrs = { traces: attrs('traces'), metrics: attrs('metrics'), logs: attrs('logs') };
    const withReason = (signal: Signal) => ({
      rejected: { ...this.attrs[signal], reason: 'rejected' },
      retries_exhausted: { ...this.attrs[signal], reason: 'retries_exhausted' },
      shutdown: { ...this.attrs[signal], reason: 'shutdown' },
      expired: { ...this.attrs[signal], reason: 'expired' },
    });
    this.failedAttrs = { traces: withReason('traces'), metrics: withReason('metrics'), logs: withReason('logs') };

    const unit = queue.sizer === 'items' ? 'items (spans, data points, log records)' : queue.sizer === 'bytes' ? 'bytes on disk' : 'requests';
    meter.createObservableGauge('lookout_exporter_queue_size', {
      description: `Held in the exporter queue (waiting or being sent), in ${unit}.`,
    }).addCallback((r) => {
      for (const signal of SIGNALS) r.observe(queueUsage(queue, signal), this.attrs[signal]);
    });
    meter.createObservableGauge('lookout_exporter_queue_capacity', {
      description: `Capacity of each signal's exporter queue (sending_queue.queue_size), in ${unit}.`,
    }).addCallback((r) => {
      for (const signal of SIGNALS) r.observe(queue.capacity, this.attrs[signal]);
    });
    this.sent = meter.createCounter('lookout_exporter_sent_items', {
      description: 'Items (spans, data points, log records) delivered upstream.',
    });
    this.failed = meter.createCounter('lookout_exporter_send_failed_items', {
      description: 'Items accepted but never delivered: rejected by the upstream, retries exhausted, or left at shutdown.',
    });
    this.enqueueFailed = meter.createCounter('lookout_exporter_enqueue_failed_items', {
      description: 'Items refused because the exporter queue was full (the sender was told to retry).',
    });
    this.left = meter.createCounter('lookout_exporter_left_in_queue_items', {
      description: 'Items not delivered by the shutdown deadline and kept in the durable queue for the next start (not lost).',
    });
    if (queue.durableStats) registerDurableQueueMetrics(meter, queue, this.attrs);
    this.duration = meter.createHistogram('lookout_exporter_send_duration_seconds', {
      description: 'Duration of one HTTP send attempt upstream, failed attempts included.',
      unit: 's',
      advice: { explicitBucketBoundaries: SEND_DURATION_BUCKETS },
    });
  }

  delivered(signal: Signal, items: number): void {
    if (items > 0) this.sent.add(items, this.attrs[signal]);
  }

  dropped(signal: Signal, items: number, reason: DropReason): void {
    if (items > 0) this.failed.add(items, this.failedAttrs[signal][reason]);
  }

  refused(signal: Signal, items: number): void {
    this.enqueueFailed.add(items, this.attrs[signal]);
  }

  leftForNextStart(signal: Signal, items: number): void {
    if (items > 0) this.left.add(items, this.attrs[signal]);
  }

  attempt(signal: Signal, seconds: number): void {
    this.duration.record(seconds, this.attrs[signal]);
  }
}

/** The durable queue's figures (lookout_queue_*), read at each collection. */
function registerDurableQueueMetrics(meter: Meter, queue: ExportQueue, attrs: Record<Signal, Attributes>): void {
  const observe = (name: string, description: string, pick: (s: DurableQueueStats) => number | undefined, counter = false, unit?: string) => {
    const instrument = counter
      ? meter.createObservableCounter(name, { description, unit })
      : meter.createObservableGauge(name, { description, unit });
    instrument.addCallback((r) => {
      for (const signal of SIGNALS) {
        const v = pick(queue.durableStats!(signal));
        if (v !== undefined) r.observe(v, attrs[signal]);
      }
    });
  };
  observe('lookout_queue_bytes', 'Bytes of the durable exporter queue\'s files on disk.', (s) => s.bytes);
  observe('lookout_queue_entries', 'Entries (export requests) held in the durable exporter queue, waiting or being sent.', (s) => s.entries);
  observe('lookout_queue_oldest_entry_age_seconds', 'Age of the oldest entry held in the durable exporter queue (0 when empty).',
    (s) => (s.oldestAt === undefined ? 0 : Math.max(0, (Date.now() - s.oldestAt) / 1000)));
  observe('lookout_queue_redelivered_items', 'Items left by an earlier run and sent again after a restart (some may have arrived before it).', (s) => s.redeliveredItems, true);
  observe('lookout_queue_corrupt_items', 'Items in records found corrupt or torn at start-up and moved aside (lost).', (s) => s.corruptItems, true);
  observe('lookout_queue_corrupt_records', 'Records found corrupt or torn at start-up (an unreadable record counts one).', (s) => s.corruptRecords, true);
  observe('lookout_queue_expired_items', 'Items dropped because they waited longer than sending_queue.max_age.', (s) => s.expiredItems, true);
  observe('lookout_queue_write_errors', 'Offers refused because writing the durable queue failed (disk full, I/O error).', (s) => s.writeErrors, true);
}

/** The exporter's instruments on `meter` (the name other code has used since the first version). */
export function createExporterTelemetry(meter: Meter, queue: ExportQueue, exporterId: string): ExporterTelemetry {
  return new ExporterTelemetry(meter, queue, exporterId);
}
