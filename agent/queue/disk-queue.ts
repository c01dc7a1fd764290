/**
 * The durable ExportQueue: one SignalLog (append-only, checksummed segment
 * files plus an ack file) per signal under `dir`, all three sharing one
 * byte budget on disk. Entries are stored as OTLP protobuf, encoded once in
 * offer(): what is queued shares no objects with the other consumers of the
 * request, and the exporter sends the stored bytes without encoding again.
 *
 * Guarantees (see README.md): an offer that returned true is in the page
 * cache, so it survives SIGKILL; every entry not acked is waiting again after
 * a restart (at-least-once, order kept per signal); a torn or corrupt record
 * is detected by its CRC at start-up, the valid prefix kept, the rest set
 * aside, logged and counted. Power loss can lose what was written since the
 * last background fdatasync (sync_interval).
 */
import path from 'node:path';
import { encodeProtoRequest } from '../otlp/codec';
import { EncodedEntry } from './encoded-entry';
import type { Signal, SignalData } from '../otlp/model';
import { SIGNALS } from '../otlp/model';
import { HEADER_BYTES } from './record-format';
import type { DurableQueueStats, ExportQueue, PendingInfo, QueueEntry } from './queue';
import { SignalLog, type SignalLogLogger, type StoredEntry } from './signal-log';

export interface DiskQueueLogger extends SignalLogLogger {
  info(obj: object, msg: string): void;
}

export interface DiskQueueOptions {
  /** Folder of the queue (one subfolder per signal); created if missing. */
  dir: string;
  /** Bytes on disk all signals together may use; an offer beyond is refused. */
  maxBytes: number;
  /** Entries older than this are dropped when due for sending (counted); 0: no limit. */
  maxAgeMs?: number;
  /** Size at which a new segment file starts; default 8 MiB. */
  segmentBytes?: number;
  /** How often written data is fdatasync'ed in the background; 0: never (the page cache only). Default 1 s. */
  syncIntervalMs?: number;
  logger: DiskQueueLogger;
  /** Clock (tests). */
  now?: () => number;
  /** Told about items dropped by maxAgeMs (the exporter counts them as dropped). */
  onExpired?: (signal: Signal, items: number) => void;
  /** Minimum time between two write-error log lines; default 1 min. */
  logIntervalMs?: number;
}

const DEFAULT_SEGMENT_BYTES = 8 << 20;

/** A taken entry: the payload read back from disk (decoded only when asked), and where it is stored. */
class DiskEntry<S extends Signal = Signal> extends EncodedEntry<S> {
  constructor(signal: S, readonly stored: StoredEntry, encoded: Uint8Array) {
    // Sequence numbers are per signal: the id folds the signal in to stay unique in the queue.
    super(stored.seq * SIGNALS.length + SIGNALS.indexOf(signal), signal, encoded, stored.items, stored.enqueuedAt);
  }
}

type Counters = Pick<DurableQueueStats, 'redeliveredItems' | 'corruptItems' | 'corruptRecords' | 'expiredItems' | 'writeErrors'>;

export class DiskQueue implements ExportQueue {
  readonly sizer = 'bytes' as const;
  readonly durable = true;
  readonly capacity: number;
  private readonly logs: Record<Signal, SignalLog>;
  private readonly counters: Record<Signal, Counters>;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout | undefined;
  private lastWriteErrorLog = -Infinity;
  private closed = false;

  constructor(private readonly opts: DiskQueueOptions) {
    if (!(opts.maxBytes > 0)) throw new Error(`queue max_bytes must be positive, got ${opts.maxBytes}`);
    this.capacity = opts.maxBytes;
    this.now = opts.now ?? Date.now;
    const zero = (): Counters => ({ redeliveredItems: 0, corruptItems: 0, corruptRecords: 0, expiredItems: 0, writeErrors: 0 });
    this.counters = { traces: zero(), metrics: zero(), logs: zero() };
    const segmentBytes = opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    const make = (s: Signal) => new SignalLog(path.join(opts.dir, s), segmentBytes, opts.logger);
    this.logs = { traces: make('traces'), metrics: make('metrics'), logs: make('logs') };
    for (const signal of SIGNALS) this.open(signal);
    const interval = opts.syncIntervalMs ?? 1000;
    if (interval > 0) {
      this.timer = setInterval(() => { for (const s of SIGNALS) this.logs[s].syncInBackground(); }, interval);
      this.timer.unref();
    }
  }

  offer<S extends Signal>(signal: S, data: SignalData[S], items: number, encoded?: Uint8Array): boolean {
    if (this.closed) return false;
    const payload = encoded ?? encodeProtoRequest(signal, data);
    const held = this.size();
    if (held.entries > 0 && (held.bytes ?? 0) + HEADER_BYTES + payload.byteLength > this.capacity) return false;
    try {
      this.logs[signal].append(payload, items, this.now());
      return true;
    } catch (err) {
      this.counters[signal].writeErrors++;
      const now = this.now();
      if (now - this.lastWriteErrorLog >= (this.opts.logIntervalMs ?? 60_000)) {
        this.lastWriteErrorLog = now;
        this.opts.logger.error({ signal, dir: this.logs[signal].dir, err: (err as Error).message },
          `queue: cannot write to ${this.logs[signal].dir}: ${(err as Error).message}; refusing data (the sender retries) until writes succeed`);
      }
      return false;
    }
  }

  pending(signal: Signal): PendingInfo {
    const log = this.logs[signal];
    return { entries: log.waitingEntries, items: log.waitingItems, oldestAt: log.peek()?.enqueuedAt };
  }

  take(signal: Signal, maxItems: number): QueueEntry[] {
    const log = this.logs[signal];
    this.dropExpired(signal);
    const taken: StoredEntry[] = [];
    let items = 0;
    let bytes = 0;
    for (let e = log.peek(); e; e = log.peek()) {
      if (taken.length > 0 && items + e.items > maxItems) break;
      log.shift();
      taken.push(e);
      items += e.items;
      bytes += e.payloadLength;
    }
    // One buffer for the whole batch, the payloads back to back: one allocation instead of one per
    // entry, and the exporter's gzip reads it as it is instead of concatenating the entries. Fewer,
    // larger ArrayBuffers matter: V8 counts their bytes against the old generation's limit until a
    // GC frees them, and with the image's small heap that alone started a full GC every ~250 ms.
    const batch = Buffer.allocUnsafe(bytes);
    const out: QueueEntry[] = [];
    let at = 0;
    for (const e of taken) {
      let payload: Buffer;
      try {
        payload = log.read(e, batch, at);
      } catch (err) {
        // The file changed under us (deleted, truncated): the entry cannot be sent; count it as lost.
        this.opts.logger.error({ signal, err: (err as Error).message }, `queue: ${(err as Error).message}; entry dropped`);
        this.counters[signal].corruptRecords++;
        this.counters[signal].corruptItems += e.items;
        log.ack([e]);
        continue;
      }
      at += e.payloadLength;
      if (e.recovered) {
        this.counters[signal].redeliveredItems += e.items;
        (e as { recovered: boolean }).recovered = false;
      }
      out.push(new DiskEntry(signal, e, payload));
    }
    return out;
  }

  ack(entries: readonly QueueEntry[]): void {
    for (const e of entries) this.logs[e.signal].ack([(e as DiskEntry).stored]);
  }

  nack(entries: readonly QueueEntry[]): void {
    const bySignal = new Map<Signal, StoredEntry[]>();
    for (const e of entries) {
      const list = bySignal.get(e.signal) ?? [];
      list.push((e as DiskEntry).stored);
      bySignal.set(e.signal, list);
    }
    for (const [signal, list] of bySignal) this.logs[signal].unshift(list);
  }

  size(signal?: Signal): { entries: number; items: number; bytes: number } {
    let entries = 0;
    let items = 0;
    let bytes = 0;
    for (const s of signal ? [signal] : SIGNALS) {
      const log = this.logs[s];
      entries += log.heldEntries;
      items += log.heldItems;
      bytes += log.bytes;
    }
    return { entries, items, bytes };
  }

  durableStats(signal: Signal): DurableQueueStats {
    const log = this.logs[signal];
    return { bytes: log.bytes, entries: log.heldEntries, oldestAt: log.oldestHeldAt(), ...this.counters[signal] };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const s of SIGNALS) this.logs[s].close();
  }

  private open(signal: Signal): void {
    const log = this.logs[signal];
    log.open((r) => {
      this.counters[signal].corruptRecords += r.records;
      this.counters[signal].corruptItems += r.items;
      this.opts.logger.error({ signal, file: r.file, moved_to: r.movedTo, problem: r.problem, records: r.records, items: r.items },
        `queue: ${r.file} is corrupt (${r.problem}); kept the valid records before it and moved the rest ` +
        `(${r.records} records, ${r.items} items readable) to ${r.movedTo}`);
    });
    if (log.heldEntries > 0) {
      this.opts.logger.info({ signal, entries: log.heldEntries, items: log.heldItems, bytes: log.bytes, dir: log.dir },
        `queue: ${log.heldEntries} ${signal} entries (${log.heldItems} items) left by the previous run will be sent again`);
    }
  }

  private dropExpired(signal: Signal): void {
    const maxAge = this.opts.maxAgeMs ?? 0;
    if (maxAge <= 0) return;
    const log = this.logs[signal];
    const cutoff = this.now() - maxAge;
    let dropped = 0;
    for (let e = log.peek(); e && e.enqueuedAt < cutoff; e = log.peek()) {
      log.shift();
      log.ack([e]);
      dropped += e.items;
    }
    if (dropped === 0) return;
    this.counters[signal].expiredItems += dropped;
    this.opts.onExpired?.(signal, dropped);
    this.opts.logger.warn({ signal, items: dropped, max_age_ms: maxAge },
      `queue: dropped ${dropped} ${signal} items older than max_age (${maxAge} ms)`);
  }
}
