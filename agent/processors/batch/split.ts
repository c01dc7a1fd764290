/**
 * batch.send_batch_max_size: cutting a request into requests of at most
 * `max` items (spans, data points, log records), in order. Each part repeats
 * the resource and scope its items belong to; a metric whose data points do
 * not fit is cut into several copies of the metric, each with a slice of the
 * points (what the Collector's batch processor does).
 */
import type {
  ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest, Metric, Signal, SignalData,
} from '../../otlp/model';
import { countMetricPoints } from '../../otlp/count';
import { requestType } from '../../otlp/root';
import { RESOURCES_FIELD } from './merge';

/** How to walk and rebuild one signal's resource -> scope -> item tree. */
interface Layout<R, S, L> {
  scopes(r: R): readonly S[] | undefined;
  leaves(s: S): readonly L[] | undefined;
  /** Items in a leaf: 1 for a span or log record, the data points of a metric. */
  size(l: L): number;
  /** A shallow copy of the resource entry holding `scopes`. */
  withScopes(r: R, scopes: S[]): R;
  withLeaves(s: S, leaves: L[]): S;
  /** A copy of the leaf holding items [from, to); only called when size(l) > 1. */
  slice(l: L, from: number, to: number): L;
}

/** Own fields only: decoded messages keep proto3 defaults on the prototype, and encode() skips non-own fields. */
function copy<T extends object>(o: T): T {
  return { ...o };
}

const METRIC_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

function sliceMetric(m: Metric, from: number, to: number): Metric {
  const out = copy(m);
  for (const kind of METRIC_KINDS) {
    const data = m[kind];
    if (data) (out as unknown as Record<string, unknown>)[kind] = { ...data, dataPoints: data.dataPoints.slice(from, to) };
  }
  return out;
}

const TRACES: Layout<ExportTraceServiceRequest['resourceSpans'][number], ExportTraceServiceRequest['resourceSpans'][number]['scopeSpans'][number], unknown> = {
  scopes: (r) => r.scopeSpans,
  leaves: (s) => s.spans,
  size: () => 1,
  withScopes: (r, scopeSpans) => ({ ...copy(r), scopeSpans }),
  withLeaves: (s, spans) => ({ ...copy(s), spans: spans as typeof s.spans }),
  slice: (l) => l,
};

const LOGS: Layout<ExportLogsServiceRequest['resourceLogs'][number], ExportLogsServiceRequest['resourceLogs'][number]['scopeLogs'][number], unknown> = {
  scopes: (r) => r.scopeLogs,
  leaves: (s) => s.logRecords,
  size: () => 1,
  withScopes: (r, scopeLogs) => ({ ...copy(r), scopeLogs }),
  withLeaves: (s, logRecords) => ({ ...copy(s), logRecords: logRecords as typeof s.logRecords }),
  slice: (l) => l,
};

const METRICS: Layout<ExportMetricsServiceRequest['resourceMetrics'][number], ExportMetricsServiceRequest['resourceMetrics'][number]['scopeMetrics'][number], Metric> = {
  scopes: (r) => r.scopeMetrics,
  leaves: (s) => s.metrics,
  size: countMetricPoints,
  withScopes: (r, scopeMetrics) => ({ ...copy(r), scopeMetrics }),
  withLeaves: (s, metrics) => ({ ...copy(s), metrics }),
  slice: sliceMetric,
};

/** Cuts a resource list into lists holding at most `max` items each (a part may hold fewer, never more). */
function splitResources<R extends object, S extends object, L>(resources: readonly R[], max: number, layout: Layout<R, S, L>): R[][] {
  const parts: R[][] = [];
  let part: R[] = [];
  let room = max;
  // The copies of the current resource and scope inside `part`, created on first use.
  let openScopes: S[] | undefined;
  let openLeaves: L[] | undefined;

  const newPart = () => {
    parts.push(part);
    part = [];
    room = max;
    openScopes = undefined;
    openLeaves = undefined;
  };
  const put = (r: R, s: S, leaf: L, size: number) => {
    if (!openScopes) part.push(layout.withScopes(r, (openScopes = [])));
    if (!openLeaves) openScopes.push(layout.withLeaves(s, (openLeaves = [])));
    openLeaves.push(leaf);
    room -= size;
  };

  for (const r of resources) {
    openScopes = undefined;
    const scopes = layout.scopes(r) ?? [];
    if (scopes.length === 0) part.push(r); // nothing to count: keep as is
    for (const s of scopes) {
      openLeaves = undefined;
      const leaves = layout.leaves(s) ?? [];
      if (leaves.length === 0 && !openScopes) part.push(layout.withScopes(r, (openScopes = [])));
      if (leaves.length === 0) openScopes!.push(s);
      for (const leaf of leaves) {
        const size = layout.size(leaf);
        if (size <= room) {
          put(r, s, leaf, size);
        } else if (size <= max) {
          newPart(); // keep a leaf whole when it fits a part of its own
          put(r, s, leaf, size);
        } else {
          for (let from = 0; from < size;) {
            if (room === 0) newPart();
            const n = Math.min(room, size - from);
            put(r, s, layout.slice(leaf, from, from + n), n);
            from += n;
          }
        }
      }
    }
  }
  if (part.length) parts.push(part);
  return parts.filter((p) => p.length > 0);
}

/** Splits a request into requests of at most `max` items; returns [data] when it already fits. */
export function splitRequest<S extends Signal>(signal: S, data: SignalData[S], max: number): SignalData[S][] {
  if (!(max > 0)) throw new Error(`splitRequest: max must be positive, got ${max}`);
  const field = RESOURCES_FIELD[signal];
  const resources = (data as unknown as Record<string, object[]>)[field] ?? [];
  const layout = (signal === 'traces' ? TRACES : signal === 'metrics' ? METRICS : LOGS) as unknown as Layout<object, object, unknown>;
  const parts = splitResources(resources, max, layout);
  if (parts.length <= 1) return [data];
  const type = requestType(signal);
  return parts.map((p) => type.create({ [field]: p }) as unknown as SignalData[S]);
}
