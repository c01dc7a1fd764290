/**
 * A deep, exact copy of one signal's data, for a consumer that changes what
 * it is given while the same data also goes elsewhere (see FanoutConsumer).
 * A protobuf round trip rather than structuredClone: decoded messages keep
 * proto3 defaults on their prototype (span.kind 0, ...), which a structural
 * copy would lose; plain objects built in code go through fromObject first.
 */
import type { Signal, SignalData } from '../otlp/model';
import { requestType } from '../otlp/root';
import { rawBytesOf } from '../otlp/raw';

export function cloneSignalData<S extends Signal>(signal: S, data: SignalData[S]): SignalData[S] {
  const type = requestType(signal);
  // The bytes the request arrived as describe it exactly (agent/otlp/raw.ts): decode them, skip the encode.
  const received = rawBytesOf(data);
  if (received) return type.decode(received) as unknown as SignalData[S];
  const message = data instanceof type.ctor ? data : type.fromObject(data as unknown as Record<string, unknown>);
  return type.decode(type.encode(message).finish()) as unknown as SignalData[S];
}
