/**
 * The exporter's queue contract. Entries are whole export requests as the
 * receiver accepted them; an entry leaves the queue only when acknowledged
 * (delivered, or dropped for good), so a durable implementation can redeliver
 * after a crash: take() hands entries out, ack() forgets them, nack() puts
 * them back at the front in their original order.
 */
import type { Signal, SignalData } from '../otlp/model';

export interface QueueEntry<S extends Signal = Signal> {
  readonly id: number;
  readonly signal: S;
  readonly data: SignalData[S];
  /** Spans / data points / log records in data. */
  readonly items: number;
  /** When it was enqueued (ms), for the batch timeout. */
  readonly enqueuedAt: number;
}

export interface ExportQueue {
  /** Maximum number of entries (requests) held, taken ones included. */
  readonly capacity: number;
  /** Adds an entry; false when the queue is full (the caller answers "retry later"). */
  offer<S extends Signal>(signal: S, data: SignalData[S], items: number): boolean;
  /** Entries waiting (not taken) for a signal. */
  pending(signal: Signal): { entries: number; items: number; oldestAt: number | undefined };
  /** Takes waiting entries of one signal, oldest first, up to maxItems (always at least one entry if any). */
  take(signal: Signal, maxItems: number): QueueEntry[];
  /** The entries are done with (delivered or dropped). */
  ack(entries: readonly QueueEntry[]): void;
  /** The entries go back to the front of their signal's queue. */
  nack(entries: readonly QueueEntry[]): void;
  /** Entries held, waiting and taken (in delivery), for one signal or all. */
  size(signal?: Signal): { entries: number; items: number };
}
