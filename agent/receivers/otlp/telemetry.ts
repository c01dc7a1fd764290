/**
 * The receiver's own metrics on the admin /metrics, named like the
 * Collector's obsreport counters (otelcol_receiver_accepted_spans, ...) but
 * one pair for all signals, told apart by the `signal` attribute:
 *
 *   lookout_receiver_accepted_items_total{signal,receiver,transport}
 *       items handed to the pipeline (spans / data points / log records)
 *   lookout_receiver_refused_items_total{signal,receiver,transport}
 *       items rejected by validation (partial success) or refused by the pipeline
 *   lookout_receiver_rejected_items_total{signal,receiver,transport,reason}
 *       items removed before the pipeline (partial success), by reason: invalid,
 *       future_timestamp, histogram_buckets
 *   lookout_receiver_memory_limited_requests_total{signal,receiver,transport}
 *       requests refused unread because RSS was over the memory limiter's soft limit
 *   lookout_receiver_back_pressure_refused_requests_total{signal,receiver,transport}
 *       requests refused unread within back_pressure_hold of a pipeline refusal
 *   lookout_receiver_retry_after_seconds
 *       the Retry-After currently asked of refused senders (0 when not refusing)
 *   lookout_receiver_request_duration_seconds{signal,receiver,transport,status_code}
 *       time from request start to answer, per HTTP status or gRPC code name
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { Signal } from '../../otlp/model';

export type Transport = 'http' | 'grpc';

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ReceiverTelemetry {
  private readonly accepted: Counter;
  private readonly refused: Counter;
  private readonly duration: Histogram;
  private readonly rejected: Counter;
  private readonly memoryLimited: Counter;
  private readonly backPressureRefused: Counter;
  /** Read by the retry-after gauge. */
  retryAfterSeconds: () => number = () => 0;
  // Attribute objects are reused: they are built per request otherwise, on the hot path.
  private readonly attrCache = new Map<string, Attributes>();

  constructor(meter: Meter, private readonly receiver: string) {
    this.accepted = meter.createCounter('lookout_receiver_accepted_items', {
      description: 'Items (spans, data points, log records) the receiver accepted and passed to the pipeline.',
    });
    this.refused = meter.createCounter('lookout_receiver_refused_items', {
      description: 'Items (spans, data points, log records) the receiver rejected as invalid or the pipeline refused.',
    });
    this.rejected = meter.createCounter('lookout_receiver_rejected_items', {
      description: 'Items removed from requests before the pipeline (OTLP partial success), by reason: invalid, future_timestamp, histogram_buckets.',
    });
    this.memoryLimited = meter.createCounter('lookout_receiver_memory_limited_requests', {
      description: 'Requests refused before their body was read because RSS was over the memory limiter\'s soft limit.',
    });
    this.backPressureRefused = meter.createCounter('lookout_receiver_back_pressure_refused_requests', {
      description: 'Requests refused before their body was read because the pipeline refused the signal with back-pressure within receivers.otlp.back_pressure_hold.',
    });
    meter.createObservableGauge('lookout_receiver_retry_after_seconds', {
      description: 'Retry-After currently asked of refused senders (doubles while refusals last; 0 when not refusing).',
      unit: 's',
    }).addCallback((r) => r.observe(this.retryAfterSeconds(), { receiver }));
    this.duration = meter.createHistogram('lookout_receiver_request_duration_seconds', {
      description: 'Duration of export requests handled by the receiver, until the answer was sent.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
  }

  private attrs(signal: Signal | 'unknown', transport: Transport): Attributes {
    const key = `${signal}/${transport}`;
    let a = this.attrCache.get(key);
    if (!a) {
      a = { signal, receiver: this.receiver, transport };
      this.attrCache.set(key, a);
    }
    return a;
  }

  recordAccepted(signal: Signal, transport: Transport, items: number): void {
    if (items > 0) this.accepted.add(items, this.attrs(signal, transport));
  }

  recordRefused(signal: Signal, transport: Transport, items: number): void {
    if (items > 0) this.refused.add(items, this.attrs(signal, transport));
  }

  recordRejected(signal: Signal, transport: Transport, reason: string, items: number): void {
    if (items > 0) this.rejected.add(items, { ...this.attrs(signal, transport), reason });
  }

  recordMemoryLimited(signal: Signal, transport: Transport): void {
    this.memoryLimited.add(1, this.attrs(signal, transport));
  }

  recordBackPressureRefused(signal: Signal, transport: Transport): void {
    this.backPressureRefused.add(1, this.attrs(signal, transport));
  }

  recordRequest(signal: Signal | 'unknown', transport: Transport, statusCode: string, seconds: number): void {
    this.duration.record(seconds, { ...this.attrs(signal, transport), status_code: statusCode });
  }
}
