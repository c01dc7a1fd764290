/**
 * The protobufjs Root holding the OTLP schema, and the message types per
 * signal. Built once, lazily, and shared by receivers, exporters and tests.
 */
import protobuf from 'protobufjs';
import { ALL_OTLP_PROTOS } from './schema';
import type { Signal } from './model';

let root: protobuf.Root | undefined;

export function otlpRoot(): protobuf.Root {
  if (!root) {
    const r = new protobuf.Root();
    for (const text of ALL_OTLP_PROTOS) protobuf.parse(text, r, { keepCase: false });
    r.resolveAll();
    root = r;
  }
  return root;
}

const REQUEST_TYPE: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
  metrics: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
  logs: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
};
const RESPONSE_TYPE: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse',
  metrics: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse',
  logs: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse',
};
/** The partial_success counter field's name per signal (lowerCamelCase). */
export const REJECTED_FIELD: Record<Signal, string> = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
};

/** Looked up once: lookupType walks the namespace tree, and the ingest path asks per request. */
const types = new Map<string, protobuf.Type>();
function typeOf(name: string): protobuf.Type {
  let t = types.get(name);
  if (!t) types.set(name, (t = otlpRoot().lookupType(name)));
  return t;
}

export function requestType(signal: Signal): protobuf.Type {
  return typeOf(REQUEST_TYPE[signal]);
}
export function responseType(signal: Signal): protobuf.Type {
  return typeOf(RESPONSE_TYPE[signal]);
}
export function rpcStatusType(): protobuf.Type {
  return otlpRoot().lookupType('google.rpc.Status');
}
/** gRPC service name per signal, e.g. opentelemetry.proto.collector.trace.v1.TraceService */
export function serviceName(signal: Signal): string {
  return REQUEST_TYPE[signal].replace(/\.Export\w+ServiceRequest$/, '') + '.' +
    { traces: 'TraceService', metrics: 'MetricsService', logs: 'LogsService' }[signal];
}
