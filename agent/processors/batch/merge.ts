/**
 * Several accepted requests of one signal as one export request, by
 * concatenating their resource entries: the OTLP envelope is a list of
 * resources, so this loses nothing. Entries for the same resource are not
 * merged (receivers handle repeated resources, and comparing attribute lists
 * would cost more than the bytes it saves). Used where one message tree is
 * needed (splitting by send_batch_max_size); the wire body of a batch is built
 * more cheaply by joining the requests' encodings (encode.ts).
 */
import type protobuf from 'protobufjs';
import type { Signal, SignalData } from '../../otlp/model';
import { requestType } from '../../otlp/root';

/** The resource list field of each signal's request. */
export const RESOURCES_FIELD = { traces: 'resourceSpans', metrics: 'resourceMetrics', logs: 'resourceLogs' } as const;

/**
 * Decoded messages pass through; plain objects built in code (connectors,
 * alert transitions) go through fromObject first, which normalises what
 * encode() alone would not (enum names, int64 strings in JSON-ish shapes).
 */
function asMessage(type: protobuf.Type, data: unknown): Record<string, unknown[]> {
  return (data instanceof type.ctor ? data : type.fromObject(data as Record<string, unknown>)) as unknown as Record<string, unknown[]>;
}

export function mergeRequests<S extends Signal>(signal: S, requests: readonly SignalData[S][]): SignalData[S] {
  if (requests.length === 1) return requests[0];
  const type = requestType(signal);
  const field = RESOURCES_FIELD[signal];
  const resources: unknown[] = [];
  for (const r of requests) {
    for (const res of asMessage(type, r)[field] ?? []) resources.push(res);
  }
  return type.create({ [field]: resources }) as unknown as SignalData[S];
}
