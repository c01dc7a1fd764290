/**
 * The exporter's self-metrics, the Collector's otelcol_exporter_* with
 * Lookout's prefix, attributes {exporter, signal} (+ reason on failures).
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { queueUsage, type ExportQueue } from '../../queue';
import { SIGNALS, type Signal } from '../../otlp/model';

/** Why items were dropped, the `reason` attribute of lookout_exporter_send_failed_items. */
export type DropReason = 'rejected' | 'retries_exhausted' | 'shutdown';

/** 1 ms .. 30 s: a loopback send takes about a millisecond, the default timeout is 10 s. */
export const SEND_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class ExporterTelemetry {
  private readonly sent: Counter;
  private readonly failed: Counter;
  private readonly enqueueFailed: Counter;
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
    });
    this.failedAttrs = { traces: withReason('traces'), metrics: withReason('metrics'), logs: withReason('logs') };

    const unit = queue.sizer === 'items' ? 'items (spans, data points, log records)' : 'requests';
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

  attempt(signal: Signal, seconds: number): void {
    this.duration.record(seconds, this.attrs[signal]);
  }
}

/** The exporter's instruments on `meter` (the name other code has used since the first version). */
export function createExporterTelemetry(meter: Meter, queue: ExportQueue, exporterId: string): ExporterTelemetry {
  return new ExporterTelemetry(meter, queue, exporterId);
}
