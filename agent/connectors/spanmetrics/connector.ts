/**
 * The spanmetrics connector: a Consumer of traces that counts spans and
 * records their durations per service, span name, kind, status and the
 * configured dimensions, and writes the totals to the store as
 *   traces_span_metrics_calls_total
 *   traces_span_metrics_duration_seconds_bucket / _sum / _count
 * exactly as the Collector's spanmetrics connector (namespace
 * "traces.span.metrics") looks after its Prometheus exporter.
 */
import {
  SpanKind, StatusCode, type ExportTraceServiceRequest, type Int64,
} from '../../otlp/model';
import { attributeString } from '../../otlp/values';
import type { Appender, Labels } from '../../store/types';
import type { Counter } from '@opentelemetry/api';
import { formatFloat } from '../../format/gofloat';
import { prometheusMetricName } from '../../translate/prometheus/names';
import { resourceLabels } from '../../translate/prometheus/labels';
import { serviceAndIdentity } from '../../otlp/wire/resource';
import { undecodedBytesOf } from '../../otlp/lazy';
import type { AttributeCursor } from '../../otlp/wire/attributes';
import { visitSpans, type SpanmetricsVisitor } from '../../otlp/wire/traces';
import { derivedMetricsOptions } from '../shared/config';
import { DerivedMetrics, type CounterFamily, type HistogramFamily } from '../shared/derived-metrics';
import { Flusher } from '../shared/flusher';
import { DerivedMetricsConnector } from '../shared/connector';
import { NANOS_PER_UNIT } from './buckets';
import type { SpanmetricsConfig } from './config';
import { DimensionPlan } from './dimensions';
import { DEFAULT_MAX_CACHED, SpanEntryCache, type CachedEntries } from './entry-cache';

const KIND_NAMES: Record<number, string> = {
  [SpanKind.UNSPECIFIED]: 'SPAN_KIND_UNSPECIFIED',
  [SpanKind.INTERNAL]: 'SPAN_KIND_INTERNAL',
  [SpanKind.SERVER]: 'SPAN_KIND_SERVER',
  [SpanKind.CLIENT]: 'SPAN_KIND_CLIENT',
  [SpanKind.PRODUCER]: 'SPAN_KIND_PRODUCER',
  [SpanKind.CONSUMER]: 'SPAN_KIND_CONSUMER',
};
const STATUS_NAMES: Record<number, string> = {
  [StatusCode.UNSET]: 'STATUS_CODE_UNSET',
  [StatusCode.OK]: 'STATUS_CODE_OK',
  [StatusCode.ERROR]: 'STATUS_CODE_ERROR',
};

/** end - start in nanoseconds without building BigInts or Longs per span. */
export function durationNanos(start: Int64, end: Int64): number {
  if (typeof start === 'number' || typeof end === 'number') {
    return Number(end) - Number(start);
  }
  return durationFromBits(start.high, start.low, end.high, end.low);
}

/** end - start from the times' 32-bit halves (high signed, low either way), as Long keeps them. */
export function durationFromBits(startHi: number, startLo: number, endHi: number, endLo: number): number {
  return (endHi - startHi) * 4294967296 + ((endLo >>> 0) - (startLo >>> 0));
}

function isZero(t: Int64 | null | undefined): boolean {
  if (t === null || t === undefined) return true;
  if (typeof t === 'number' || typeof t === 'string' || typeof t === 'bigint') return Number(t) === 0;
  return t.high === 0 && t.low === 0;
}

export interface SpanMetricsOptions {
  /** Clock (ms), injectable for tests. */
  now?: () => number;
}

export class SpanMetricsConnector extends DerivedMetricsConnector<'traces'> {
  protected readonly signal = 'traces' as const;
  readonly id = 'spanmetrics';
  private readonly metrics: DerivedMetrics;
  private readonly calls: CounterFamily;
  private readonly duration?: HistogramFamily;
  protected readonly flusher: Flusher;
  private readonly dims: DimensionPlan;
  private readonly nanosPerUnit: number;
  private readonly include: { service: boolean; name: boolean; kind: boolean; status: boolean };
  private readonly values: (string | undefined)[];
  /** Spans skipped because their resource has no service.name (as the Collector does). */
  droppedSpans = 0;
  /** Spans counted in calls but kept out of the duration histogram: zero start, or end before start. */
  invalidSpans = 0;
  private invalidCounter?: Counter;
  private readonly entryCache: SpanEntryCache;

  constructor(readonly config: SpanmetricsConfig, appender: Appender, opts: SpanMetricsOptions = {}) {
    super();
    const now = opts.now ?? Date.now;
    this.metrics = new DerivedMetrics(derivedMetricsOptions(config));
    this.entryCache = new SpanEntryCache(this.metrics.opts.cardinalityLimit > 0 ? this.metrics.opts.cardinalityLimit : DEFAULT_MAX_CACHED);
    const ns = config.namespace ? `${config.namespace}.` : '';
    this.calls = this.metrics.counter(prometheusMetricName(`${ns}calls`, '', 'counter'), {
      type: 'counter',
      help: 'Number of spans, by service, span name, kind, status code and dimensions (spanmetrics connector).',
      unit: '',
    });
    this.nanosPerUnit = NANOS_PER_UNIT[config.histogram.unit];
    if (!config.histogram.disable) {
      const name = prometheusMetricName(`${ns}duration`, config.histogram.unit, 'histogram');
      const bounds = config.histogram.explicit.buckets.map((nanos) => nanos / this.nanosPerUnit);
      this.duration = this.metrics.histogram(name, {
        type: 'histogram',
        help: 'Duration of spans, by service, span name, kind, status code and dimensions (spanmetrics connector).',
        unit: config.histogram.unit === 's' ? 'seconds' : 'milliseconds',
      }, bounds, (b) => formatFloat(b, 'f', -1));
    }
    const ex = new Set<string>(config.exclude_dimensions);
    this.include = {
      service: !ex.has('service.name'), name: !ex.has('span.name'), kind: !ex.has('span.kind'), status: !ex.has('status.code'),
    };
    this.dims = new DimensionPlan(config.dimensions);
    this.readsBytes = this.dims.byteKeysExact;
    this.values = new Array(this.dims.size);
    this.flusher = new Flusher('spanmetrics', this.metrics, appender, config.metrics_flush_interval, now);
    this.limitValuesLike(appender);
    this.now = now;
  }

  private readonly now: () => number;

  /** The Prometheus names this connector writes (for docs and tests). */
  get metricNames(): { calls: string; duration?: string } {
    return { calls: this.calls.name, duration: this.duration?.name };
  }

  override async start(host: Parameters<DerivedMetricsConnector<'traces'>['start']>[0]): Promise<void> {
    await super.start(host);
    this.invalidCounter = host.meter.createCounter('lookout_connector_invalid_spans', {
      description: 'Spans with a zero start time or an end before their start: counted in calls, kept out of the duration histogram.',
    });
  }

  /** Adds a request's spans to the running totals. */
  record(req: ExportTraceServiceRequest): void {
    this.nowMs = this.now();
    // A request the receiver did not decode: read the few fields used from its bytes (agent/otlp/wire).
    const bytes = this.readsBytes ? undecodedBytesOf(req) : undefined;
    if (bytes) {
      visitSpans(bytes, this.bytesVisitor);
      return;
    }
    const { dims, values } = this;
    for (const rs of req.resourceSpans ?? []) {
      const attrs = rs.resource?.attributes;
      const service = this.cut(attributeString(attrs, 'service.name'));
      if (!service) {
        let n = 0;
        for (const ss of rs.scopeSpans ?? []) n += ss.spans?.length ?? 0;
        this.dropSpans(n);
        continue;
      }
      this.enterResource(service, resourceLabels(rs.resource).identity, dims.resourceValues(attrs));
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          dims.spanValues(span.attributes, this.resource.dims, values);
          const start = span.startTimeUnixNano;
          this.countSpan(span.name ?? '', span.kind ?? 0, span.status?.code ?? 0, durationNanos(start, span.endTimeUnixNano), isZero(start));
        }
      }
    }
  }

  private nowMs = 0;
  /** The resource whose spans are being counted. */
  private resource: { service: string; identity: Labels; prefix: string; dims: (string | undefined)[] } = { service: '', identity: {}, prefix: '', dims: [] };
  /** Matching attribute keys as bytes decides as decoding them would (see DimensionPlan.byteKeysExact). */
  private readonly readsBytes: boolean;
  private readonly bytesVisitor: SpanmetricsVisitor = {
    resource: (attrs, spans) => this.resourceFromBytes(attrs, spans),
    span: (span) => {
      this.dims.beginScan();
      while (span.attributes.next()) this.putDimension(span.attributes);
      this.dims.spanFromScan(this.resource.dims, this.values);
      this.countSpan(span.name(this.maxValueLength), span.kind, span.statusCode,
        durationFromBits(span.startHi, span.startLo, span.endHi, span.endLo), span.startHi === 0 && span.startLo === 0);
    },
  };

  /** Spans of a resource without service.name are not counted (as in the Collector). */
  private dropSpans(n: number): void {
    if (n && this.droppedSpans === 0) this.logger?.warn('spans without a service.name resource attribute are not counted (as in the Collector)');
    this.droppedSpans += n;
  }

  private enterResource(service: string, identity: Labels, dims: (string | undefined)[]): void {
    if (this.maxValueLength > 0) for (const k in identity) identity[k] = this.cut(identity[k]);
    this.resource = { service, identity, prefix: `${identity.job ?? ''}\u0001${identity.instance ?? ''}`, dims };
    this.entryCache.enter(`${this.resource.prefix}\u0001${service}`, this.metrics.generation);
  }

  /**
   * A resource read from bytes: what attributeString (service: the FIRST
   * service.name) and resourceLabels (job, instance: the LAST of each key)
   * give for the decoded resource, and the dimensions' resource values.
   */
  private resourceFromBytes(attrs: AttributeCursor, spans: number): boolean {
    this.dims.beginScan();
    const { service: first, identity } = serviceAndIdentity(attrs, this.putDimension);
    const service = this.cut(first);
    if (!service) {
      this.dropSpans(spans);
      return false;
    }
    this.enterResource(service, identity, this.dims.resourceFromScan());
    return true;
  }

  /** A raw attribute into the dimension scan, when a dimension reads its key. */
  private readonly putDimension = (attrs: AttributeCursor): void => {
    const slot = this.dims.slotAt(attrs);
    if (slot !== undefined) this.dims.put(slot, attrs.value(this.maxValueLength));
  };

  /** Counts one span of the current resource; this.values holds its dimension values. */
  private countSpan(rawName: string, kindCode: number, statusCode: number, nanos: number, zeroStart: boolean): void {
    const { duration, values, nowMs: now } = this;
    const kind = KIND_NAMES[kindCode] ?? KIND_NAMES[0];
    const status = STATUS_NAMES[statusCode] ?? STATUS_NAMES[0];
    // Cut before keying: 600 distinct 64 KB span names cost 600 short keys, not 38 MB of keys and labels.
    const spanName = this.cut(rawName);
    if (this.maxValueLength > 0) for (let i = 0; i < values.length; i++) values[i] = this.cut(values[i]);
    const entries = this.entryCache.find(spanName, kind, status, values) ?? this.newEntries(spanName, kind, status, now);
    entries.calls.add(1, now);
    if (!duration) return;
    if (nanos < 0 || zeroStart) {
      // A start of 0 would add 56 years to the sum; a negative duration has no bucket.
      this.invalidSpans++;
      this.invalidCounter?.add(1, { connector: this.id, reason: nanos < 0 ? 'end_before_start' : 'zero_start' });
      return;
    }
    // The first span of the label set with a valid duration: by the same key (the family's overflow entry when
    // it is full, which later spans of the set would get from it as well).
    entries.duration ??= duration.get(entries.key) ?? duration.create(entries.key, this.labelsFor(spanName, kind, status), now);
    entries.duration.observe(nanos / this.nanosPerUnit, now);
  }

  /** The families' key of the current span's label set (this.values holds its dimension values). */
  private keyOf(spanName: string, kind: string, status: string): string {
    const { values, include } = this;
    const { service, prefix } = this.resource;
    // Excluded base dimensions stay out of the key too, or two entries would share one label set.
    let key = prefix;
    key += include.service ? `\u0001${service}` : '\u0001';
    key += include.name ? `\u0001${spanName}` : '\u0001';
    key += include.kind ? `\u0001${kind}` : '\u0001';
    key += include.status ? `\u0001${status}` : '\u0001';
    for (let i = 0; i < values.length; i++) key += values[i] === undefined ? '\u0002' : `\u0003${values[i]}`;
    return key;
  }

  /**
   * The entries of a label set the cache does not hold: its calls entry found
   * or created by its key, cached unless it is the overflow entry (then the
   * entries are this span's only).
   */
  private newEntries(spanName: string, kind: string, status: string, now: number): CachedEntries {
    const { calls, values } = this;
    const key = this.keyOf(spanName, kind, status);
    const c = calls.get(key) ?? calls.create(key, this.labelsFor(spanName, kind, status), now);
    const cached = calls.isOverflow(c) ? undefined : this.entryCache.add(spanName, kind, status, values, c, key);
    return cached ?? { kind, status, values, calls: c, key };
  }

  private labelsFor(name: string, kind: string, status: string): Labels {
    const { service, identity } = this.resource;
    const l: Labels = {};
    if (this.include.service) l.service_name = service;
    if (this.include.name && name !== '') l.span_name = name;
    if (this.include.kind) l.span_kind = kind;
    if (this.include.status) l.status_code = status;
    const names = this.dims.labelNames;
    for (let i = 0; i < names.length; i++) {
      const v = this.values[i];
      if (v !== undefined) l[names[i]] = v;
    }
    if (identity.job !== undefined) l.job = identity.job;
    if (identity.instance !== undefined) l.instance = identity.instance;
    return l;
  }
}
