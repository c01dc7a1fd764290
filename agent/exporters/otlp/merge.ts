/**
 * Batching: several accepted requests of one signal become one export
 * request by concatenating their resource entries (the OTLP envelope is a
 * list of resources, so this loses nothing).
 */
import type { Signal, SignalData } from '../../otlp/model';
import { requestType } from '../../otlp/root';
import type { QueueEntry } from '../../queue';

export function mergeEntries(signal: Signal, entries: readonly QueueEntry[]): SignalData[Signal] {
  if (entries.length === 1) return entries[0].data;
  const type = requestType(signal);
  switch (signal) {
    case 'traces':
      return type.create({ resourceSpans: entries.flatMap((e) => (e.data as SignalData['traces']).resourceSpans) }) as unknown as SignalData['traces'];
    case 'metrics':
      return type.create({ resourceMetrics: entries.flatMap((e) => (e.data as SignalData['metrics']).resourceMetrics) }) as unknown as SignalData['metrics'];
    case 'logs':
      return type.create({ resourceLogs: entries.flatMap((e) => (e.data as SignalData['logs']).resourceLogs) }) as unknown as SignalData['logs'];
  }
}
