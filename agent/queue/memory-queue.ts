/**
 * A bounded in-memory ExportQueue. Bounded by entries so memory stays
 * predictable; when full, offer() refuses and the receiver answers 503, so the
 * app's SDK keeps the data and retries: nothing accepted is dropped here.
 */
import type { Signal, SignalData } from '../otlp/model';
import type { ExportQueue, QueueEntry } from './queue';

export class MemoryQueue implements ExportQueue {
  private readonly waiting: Record<Signal, QueueEntry[]> = { traces: [], metrics: [], logs: [] };
  private readonly waitingItems: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  private readonly taken: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  private readonly takenItems: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  private nextId = 1;

  constructor(readonly capacity: number, private readonly now: () => number = Date.now) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`queue capacity must be a positive integer, got ${capacity}`);
  }

  offer<S extends Signal>(signal: S, data: SignalData[S], items: number): boolean {
    if (this.size().entries >= this.capacity) return false;
    this.waiting[signal].push({ id: this.nextId++, signal, data, items, enqueuedAt: this.now() });
    this.waitingItems[signal] += items;
    return true;
  }

  pending(signal: Signal) {
    const q = this.waiting[signal];
    return { entries: q.length, items: this.waitingItems[signal], oldestAt: q[0]?.enqueuedAt };
  }

  take(signal: Signal, maxItems: number): QueueEntry[] {
    const q = this.waiting[signal];
    let n = 0;
    let items = 0;
    while (n < q.length && (n === 0 || items + q[n].items <= maxItems)) {
      items += q[n].items;
      n++;
    }
    const out = q.splice(0, n);
    this.waitingItems[signal] -= items;
    this.taken[signal] += out.length;
    this.takenItems[signal] += items;
    return out;
  }

  ack(entries: readonly QueueEntry[]): void {
    for (const e of entries) {
      this.taken[e.signal]--;
      this.takenItems[e.signal] -= e.items;
    }
  }

  nack(entries: readonly QueueEntry[]): void {
    if (!entries.length) return;
    const signal = entries[0].signal;
    this.waiting[signal].unshift(...entries);
    for (const e of entries) {
      this.waitingItems[signal] += e.items;
      this.taken[signal]--;
      this.takenItems[signal] -= e.items;
    }
  }

  size(signal?: Signal) {
    const signals: readonly Signal[] = signal ? [signal] : ['traces', 'metrics', 'logs'];
    let entries = 0;
    let items = 0;
    for (const s of signals) {
      entries += this.waiting[s].length + this.taken[s];
      items += this.waitingItems[s] + this.takenItems[s];
    }
    return { entries, items };
  }
}
