/**
 * The exporter's queue contract, shaped so that a durable (on-disk) queue can
 * replace the in-memory one without touching the exporter:
 *
 * - offer() stores a whole export request as the receiver accepted it, or
 *   refuses when the signal's queue is full (the receiver then answers 503 and
 *   the app's SDK keeps the data and retries: nothing accepted is lost here);
 * - take() hands out the oldest waiting entries; they stay held (and count
 *   against capacity) until ack() (delivered, or dropped for good) or nack()
 *   (back to the front, in their original order, to be taken again);
 * - a durable queue presents every entry that was never acked as waiting again
 *   after a restart, so a crash or an undelivered shutdown redelivers rather
 *   than loses (at-least-once).
 *
 * The methods are synchronous: the in-memory queue needs nothing else, and
 * the durable queue (disk-queue.ts) appends with one write syscall into the
 * page cache, which is what makes an entry survive a SIGKILL before the
 * receiver answers 200.
 */
import type { Signal, SignalData } from '../otlp/model';

/**
 * What capacity counts, as the Collector's sending_queue.sizer: items (spans,
 * data points, log records) or requests; the durable queue counts bytes on disk.
 */
export type QueueSizer = 'items' | 'requests' | 'bytes';

export interface QueueEntry<S extends Signal = Signal> {
  /** Unique within the queue (a durable queue's row id). */
  readonly id: number;
  readonly signal: S;
  readonly data: SignalData[S];
  /**
   * The request as OTLP protobuf, when the queue stores encoded bytes (the
   * durable queue): the exporter sends these bytes as they are, and `data`
   * is decoded from them only when needed (JSON encoding, splitting).
   */
  readonly encoded?: Uint8Array;
  /** Spans / data points / log records in data. */
  readonly items: number;
  /** When it was enqueued (ms since the epoch), for the batch timeout. */
  readonly enqueuedAt: number;
}

export interface PendingInfo {
  /** Entries waiting (not taken). */
  entries: number;
  /** Items in the waiting entries. */
  items: number;
  /** enqueuedAt of the oldest waiting entry. */
  oldestAt: number | undefined;
}

export interface ExportQueue {
  /** Maximum held per signal, in `sizer` units, taken entries included. */
  readonly capacity: number;
  readonly sizer: QueueSizer;
  /**
   * True when unacked entries survive a restart. The exporter then leaves
   * what it could not deliver by the shutdown deadline in the queue (nack)
   * instead of counting it as lost.
   */
  readonly durable: boolean;
  /**
   * Adds an entry; false when the signal's queue is full (the caller answers
   * "retry later"). `encoded`, when given, is the exact protobuf encoding of
   * `data` (the bytes it was received as): stored instead of encoding again.
   */
  offer<S extends Signal>(signal: S, data: SignalData[S], items: number, encoded?: Uint8Array): boolean;
  /** Entries waiting (not taken) for a signal. */
  pending(signal: Signal): PendingInfo;
  /**
   * Takes waiting entries of one signal, oldest first, while their items add
   * up to at most maxItems; always at least one entry when any is waiting.
   */
  take(signal: Signal, maxItems: number): QueueEntry[];
  /** The entries are done with (delivered, or dropped for good): forget them. */
  ack(entries: readonly QueueEntry[]): void;
  /** The entries go back to the front of their signal's queue, in the given order. */
  nack(entries: readonly QueueEntry[]): void;
  /** Held entries and items (waiting and taken), for one signal or all; bytes for a queue that counts them. */
  size(signal?: Signal): { entries: number; items: number; bytes?: number };
  /** A durable queue's own figures (for its self-metrics). */
  durableStats?(signal: Signal): DurableQueueStats;
  /** Releases resources (a durable queue closes its file). Idempotent. */
  close(): void;
}

/** Figures of a durable queue, per signal; the counters are totals since the process started. */
export interface DurableQueueStats {
  /** Bytes of the signal's files on disk. */
  bytes: number;
  /** Entries held (waiting or being sent). */
  entries: number;
  /** enqueuedAt of the oldest held entry. */
  oldestAt: number | undefined;
  /** Items handed out again after a restart (they may have been delivered before it). */
  redeliveredItems: number;
  /** Items in records found corrupt or torn at start-up and set aside. */
  corruptItems: number;
  /** Records found corrupt or torn (an unreadable record counts one, its items unknown). */
  corruptRecords: number;
  /** Items dropped because they waited longer than the configured maximum age. */
  expiredItems: number;
  /** Offers refused because a write failed (disk full, I/O error). */
  writeErrors: number;
}

/** How much of the capacity a signal uses, in the queue's sizer units. */
export function queueUsage(queue: ExportQueue, signal: Signal): number {
  const s = queue.size(signal);
  if (queue.sizer === 'bytes') return s.bytes ?? 0;
  return queue.sizer === 'items' ? s.items : s.entries;
}
