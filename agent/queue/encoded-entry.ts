/**
 * A queue entry held as OTLP protobuf bytes, encoded once when offered: what
 * is queued shares no objects with the other consumers of the same request
 * (connectors, the store), and the exporter sends the bytes as they are.
 * `data` is decoded from them only when asked (JSON encoding, splitting).
 */
import { decodeProtoRequest } from '../otlp/codec';
import type { Signal, SignalData } from '../otlp/model';
import type { QueueEntry } from './queue';

export class EncodedEntry<S extends Signal = Signal> implements QueueEntry<S> {
  private decoded: SignalData[S] | undefined;

  constructor(
    readonly id: number,
    readonly signal: S,
    readonly encoded: Uint8Array,
    readonly items: number,
    readonly enqueuedAt: number,
  ) {}

  get data(): SignalData[S] {
    this.decoded ??= decodeProtoRequest(this.signal, this.encoded);
    return this.decoded;
  }
}
