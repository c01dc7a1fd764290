/**
 * TypeScript shapes of decoded OTLP messages, as protobufjs produces them
 * (lowerCamelCase fields; 64-bit integers as Long; bytes as Uint8Array).
 * These objects flow through the pipeline unchanged, so forwarding needs no
 * conversion: the exporter re-encodes exactly what the receiver decoded.
 *
 * Fields absent on the wire read as their proto3 default through the message
 * prototype, so every field below is present when read, but literal objects
 * built in code (tests, connectors) may omit them: hence the `?`.
 */
import type Long from 'long';

export type Int64 = Long | number;

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: Uint8Array;
  /** protobufjs virtual oneof discriminator (set on decoded messages). */
  value?: string;
}
export interface KeyValue { key: string; value?: AnyValue | null }
export interface InstrumentationScope {
  name?: string;
  version?: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
}
export interface Resource {
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  entityRefs?: unknown[];
}

// ---- traces ----
export enum SpanKind {
  UNSPECIFIED = 0, INTERNAL = 1, SERVER = 2, CLIENT = 3, PRODUCER = 4, CONSUMER = 5,
}
export enum StatusCode { UNSET = 0, OK = 1, ERROR = 2 }
export interface SpanEvent { timeUnixNano?: Int64; name?: string; attributes?: KeyValue[]; droppedAttributesCount?: number }
export interface SpanLink {
  traceId?: Uint8Array; spanId?: Uint8Array; traceState?: string;
  attributes?: KeyValue[]; droppedAttributesCount?: number; flags?: number;
}
export interface Span {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState?: string;
  parentSpanId?: Uint8Array;
  flags?: number;
  name: string;
  kind?: SpanKind;
  startTimeUnixNano: Int64;
  endTimeUnixNano: Int64;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  events?: SpanEvent[];
  droppedEventsCount?: number;
  links?: SpanLink[];
  droppedLinksCount?: number;
  status?: { message?: string; code?: StatusCode } | null;
}
export interface ScopeSpans { scope?: InstrumentationScope | null; spans: Span[]; schemaUrl?: string }
export interface ResourceSpans { resource?: Resource | null; scopeSpans: ScopeSpans[]; schemaUrl?: string }
export interface ExportTraceServiceRequest { resourceSpans: ResourceSpans[] }

// ---- metrics ----
export enum AggregationTemporality { UNSPECIFIED = 0, DELTA = 1, CUMULATIVE = 2 }
/** DataPointFlags.NO_RECORDED_VALUE_MASK: the point is a staleness marker. */
export const FLAG_NO_RECORDED_VALUE = 1;
export interface Exemplar {
  filteredAttributes?: KeyValue[]; timeUnixNano?: Int64;
  asDouble?: number; asInt?: Int64; spanId?: Uint8Array; traceId?: Uint8Array;
  value?: string;
}
export interface NumberDataPoint {
  attributes?: KeyValue[]; startTimeUnixNano?: Int64; timeUnixNano?: Int64;
  asDouble?: number; asInt?: Int64; exemplars?: Exemplar[]; flags?: number;
  /** protobufjs oneof discriminator: 'asDouble' | 'asInt' */
  value?: string;
}
export interface HistogramDataPoint {
  attributes?: KeyValue[]; startTimeUnixNano?: Int64; timeUnixNano?: Int64;
  count?: Int64; sum?: number | null; bucketCounts?: Int64[]; explicitBounds?: number[];
  exemplars?: Exemplar[]; flags?: number; min?: number | null; max?: number | null;
}
export interface ExponentialHistogramBuckets { offset?: number; bucketCounts?: Int64[] }
export interface ExponentialHistogramDataPoint {
  attributes?: KeyValue[]; startTimeUnixNano?: Int64; timeUnixNano?: Int64;
  count?: Int64; sum?: number | null; scale?: number; zeroCount?: Int64;
  positive?: ExponentialHistogramBuckets | null; negative?: ExponentialHistogramBuckets | null;
  flags?: number; exemplars?: Exemplar[]; min?: number | null; max?: number | null; zeroThreshold?: number;
}
export interface SummaryDataPoint {
  attributes?: KeyValue[]; startTimeUnixNano?: Int64; timeUnixNano?: Int64;
  count?: Int64; sum?: number; quantileValues?: { quantile?: number; value?: number }[]; flags?: number;
}
export interface Metric {
  name: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints: NumberDataPoint[] } | null;
  sum?: { dataPoints: NumberDataPoint[]; aggregationTemporality?: AggregationTemporality; isMonotonic?: boolean } | null;
  histogram?: { dataPoints: HistogramDataPoint[]; aggregationTemporality?: AggregationTemporality } | null;
  exponentialHistogram?: { dataPoints: ExponentialHistogramDataPoint[]; aggregationTemporality?: AggregationTemporality } | null;
  summary?: { dataPoints: SummaryDataPoint[] } | null;
  metadata?: KeyValue[];
  /** protobufjs oneof discriminator: which of gauge/sum/histogram/... is set */
  data?: string;
}
export interface ScopeMetrics { scope?: InstrumentationScope | null; metrics: Metric[]; schemaUrl?: string }
export interface ResourceMetrics { resource?: Resource | null; scopeMetrics: ScopeMetrics[]; schemaUrl?: string }
export interface ExportMetricsServiceRequest { resourceMetrics: ResourceMetrics[] }

// ---- logs ----
export interface LogRecord {
  timeUnixNano?: Int64;
  observedTimeUnixNano?: Int64;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue | null;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  eventName?: string;
}
export interface ScopeLogs { scope?: InstrumentationScope | null; logRecords: LogRecord[]; schemaUrl?: string }
export interface ResourceLogs { resource?: Resource | null; scopeLogs: ScopeLogs[]; schemaUrl?: string }
export interface ExportLogsServiceRequest { resourceLogs: ResourceLogs[] }

// ---- signals ----
export type Signal = 'traces' | 'metrics' | 'logs';
export const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];

/** The request envelope type carried through the pipeline for each signal. */
export interface SignalData {
  traces: ExportTraceServiceRequest;
  metrics: ExportMetricsServiceRequest;
  logs: ExportLogsServiceRequest;
}
