/**
 * Counting the items of an OTLP request the way the Collector's obsreport
 * does: spans for traces, data points for metrics, log records for logs.
 * Receivers count accepted/refused items with it, exporters sent/failed
 * items, so the numbers on /metrics add up across the pipeline.
 */
import type {
  ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest, Metric, Signal, SignalData,
} from './model';
import { undecodedItemCount } from './lazy';

export function countSpans(data: ExportTraceServiceRequest): number {
  // A request not decoded yet: the receiver's scan counted its spans (reading resourceSpans would decode it).
  const scanned = undecodedItemCount(data);
  if (scanned !== undefined) return scanned;
  let n = 0;
  for (const rs of data.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) n += ss.spans?.length ?? 0;
  }
  return n;
}

/** Data points of one metric, whichever of gauge/sum/histogram/exponential histogram/summary it holds. */
export function countMetricPoints(m: Metric): number {
  return (m.gauge?.dataPoints?.length ?? 0) +
    (m.sum?.dataPoints?.length ?? 0) +
    (m.histogram?.dataPoints?.length ?? 0) +
    (m.exponentialHistogram?.dataPoints?.length ?? 0) +
    (m.summary?.dataPoints?.length ?? 0);
}

export function countDataPoints(data: ExportMetricsServiceRequest): number {
  let n = 0;
  for (const rm of data.resourceMetrics ?? []) {
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) n += countMetricPoints(m);
    }
  }
  return n;
}

export function countLogRecords(data: ExportLogsServiceRequest): number {
  const scanned = undecodedItemCount(data);
  if (scanned !== undefined) return scanned;
  let n = 0;
  for (const rl of data.resourceLogs ?? []) {
    for (const sl of rl.scopeLogs ?? []) n += sl.logRecords?.length ?? 0;
  }
  return n;
}

/** The number of items (spans / data points / log records) in a request of the given signal. */
export function countItems<S extends Signal>(signal: S, data: SignalData[S]): number {
  switch (signal) {
    case 'traces': return countSpans(data as ExportTraceServiceRequest);
    case 'metrics': return countDataPoints(data as ExportMetricsServiceRequest);
    case 'logs': return countLogRecords(data as ExportLogsServiceRequest);
    default: throw new Error(`countItems: unknown signal ${String(signal)}`);
  }
}

/** The unit name of a signal's items, for log and error messages ("3 spans"). */
export const ITEM_NOUN: Record<Signal, { one: string; many: string }> = {
  traces: { one: 'span', many: 'spans' },
  metrics: { one: 'data point', many: 'data points' },
  logs: { one: 'log record', many: 'log records' },
};

export function formatItemCount(signal: Signal, n: number): string {
  return `${n} ${n === 1 ? ITEM_NOUN[signal].one : ITEM_NOUN[signal].many}`;
}
