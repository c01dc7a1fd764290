/**
 * A bounded in-memory ExportQueue, one FIFO per signal, each with its own
 * capacity (as each Collector pipeline's exporter has its own queue, so a
 * flood of logs, or an upstream refusing only metrics, never blocks traces).
 *
 * Not durable: what is held when the process exits is gone, so the exporter
 * flushes it at shutdown and counts what it could not deliver. Entries are
 * held as protobuf bytes (EncodedEntry), as in the durable queue: nothing
 * queued shares objects with the request's other consumers.
 */
import { encodeProtoRequest } from '../otlp/codec';
import type { Signal, SignalData } from '../otlp/model';
import { EncodedEntry } from './encoded-entry';
import { SIGNALS } from '../otlp/model';
import type { ExportQueue, PendingInfo, QueueEntry, QueueSizer } from './queue';

interface SignalQueue {
  /** Waiting entries, oldest first; `head` skips taken ones without shifting the array on every take. */
  waiting: QueueEntry[];
  head: number;
  waitingItems: number;
  takenEntries: number;
  takenItems: number;
}

export interface MemoryQueueOptions {
  /** What capacity counts (default items). */
  sizer?: QueueSizer;
  /** Clock for enqueuedAt (tests). */
  now?: () => number;
}

export class MemoryQueue implements ExportQueue {
  readonly sizer: QueueSizer;
  readonly durable: boolean = false;
  private readonly queues: Record<Signal, SignalQueue>;
  private readonly now: () => number;
  private nextId = 1;

  constructor(readonly capacity: number, opts: MemoryQueueOptions = {}) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`queue capacity must be a positive integer, got ${capacity}`);
    }
    this.sizer = opts.sizer ?? 'items';
    this.now = opts.now ?? Date.now;
    const empty = (): SignalQueue => ({ waiting: [], head: 0, waitingItems: 0, takenEntries: 0, takenItems: 0 });
    this.queues = { traces: empty(), metrics: empty(), logs: empty() };
  }

  offer<S extends Signal>(signal: S, data: SignalData[S], items: number, encoded?: Uint8Array): boolean {
    const q = this.queues[signal];
    const heldEntries = q.waiting.length - q.head + q.takenEntries;
    if (this.sizer === 'requests') {
      if (heldEntries >= this.capacity) return false;
    } else if (heldEntries > 0 && q.waitingItems + q.takenItems + items > this.capacity) {
      // A request larger than the whole capacity still fits into an empty
      // queue: refusing it would make the sender retry something that can
      // never be accepted. Memory stays bounded by the receiver's body limit.
      return false;
    }
    q.waiting.push(new EncodedEntry(this.nextId++, signal, encoded ? ownBytes(encoded) : encodeProtoRequest(signal, data), items, this.now()));
    q.waitingItems += items;
    return true;
  }

  pending(signal: Signal): PendingInfo {
    const q = this.queues[signal];
    return { entries: q.waiting.length - q.head, items: q.waitingItems, oldestAt: q.waiting[q.head]?.enqueuedAt };
  }

  take(signal: Signal, maxItems: number): QueueEntry[] {
    const q = this.queues[signal];
    const out: QueueEntry[] = [];
    let items = 0;
    while (q.head < q.waiting.length) {
      const e = q.waiting[q.head];
      if (out.length > 0 && items + e.items > maxItems) break;
      out.push(e);
      items += e.items;
      q.head++;
    }
    this.compact(q);
    q.waitingItems -= items;
    q.takenEntries += out.length;
    q.takenItems += items;
    return out;
  }

  ack(entries: readonly QueueEntry[]): void {
    for (const e of entries) {
      const q = this.queues[e.signal];
      q.takenEntries--;
      q.takenItems -= e.items;
    }
  }

  nack(entries: readonly QueueEntry[]): void {
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i];
      const q = this.queues[e.signal];
      // Back to the front (reverse walk keeps the given order).
      if (q.head > 0) q.waiting[--q.head] = e;
      else q.waiting.unshift(e);
      q.waitingItems += e.items;
      q.takenEntries--;
      q.takenItems -= e.items;
    }
  }

  size(signal?: Signal): { entries: number; items: number } {
    let entries = 0;
    let items = 0;
    for (const s of signal ? [signal] : SIGNALS) {
      const q = this.queues[s];
      entries += q.waiting.length - q.head + q.takenEntries;
      items += q.waitingItems + q.takenItems;
    }
    return { entries, items };
  }

  close(): void {}

  /** Drops the consumed prefix once it dominates the array, so memory follows what is waiting. */
  private compact(q: SignalQueue): void {
    if (q.head === q.waiting.length) {
      q.waiting.length = 0;
      q.head = 0;
    } else if (q.head > 1024 && q.head * 2 > q.waiting.length) {
      q.waiting.splice(0, q.head);
      q.head = 0;
    }
  }
}

/**
 * Received bytes may be a view into a larger buffer (a socket read, an
 * inflate chunk): held for a while, the whole buffer would stay alive.
 */
function ownBytes(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.buffer.byteLength === b.byteLength ? b : Uint8Array.prototype.slice.call(b);
}
