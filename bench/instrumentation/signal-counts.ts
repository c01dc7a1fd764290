/** What an OTLP sink received from a benchmarked app: the signals the preload promises. */
import type { OtlpSink } from '../../test/helpers/otlp-sink';
import { histogramCount, logRecords, metricsByName, spans } from '../../test/instrumentation/helpers/preload-harness';

export interface SignalCounts {
  spans: number;
  /** SERVER spans carrying http.route = the Express route. */
  routeServerSpans: number;
  /** Requests counted by the last export of http.server.request.duration for the route. */
  httpServerMetric: number;
  /** Distinct nodejs.* / v8js.* metric names. */
  runtimeMetrics: number;
  logs: number;
  logsWithTraceId: number;
}

const SPAN_KIND_SERVER = 2;

export function countSignals(sink: OtlpSink, route: string): SignalCounts {
  const all = spans(sink);
  const metrics = metricsByName(sink);
  const duration = metrics.get('http.server.request.duration') ?? [];
  const lastDuration = duration[duration.length - 1]?.metric;
  const logs = logRecords(sink);
  return {
    spans: all.length,
    routeServerSpans: all.filter((s) => s.kind === SPAN_KIND_SERVER && s.attributes['http.route'] === route).length,
    httpServerMetric: lastDuration ? histogramCount(lastDuration, (a) => a['http.route'] === route) : 0,
    runtimeMetrics: [...metrics.keys()].filter((n) => n.startsWith('nodejs.') || n.startsWith('v8js.')).length,
    logs: logs.length,
    logsWithTraceId: logs.filter((l) => /^[0-9a-f]{32}$/.test(l.traceId) && !/^0+$/.test(l.traceId)).length,
  };
}
