/**
 * The remote-write queue: snappy-compressed WriteRequests, oldest first,
 * bounded in bytes. `disk` reuses the durable queue's segment log
 * (agent/queue SignalLog: CRC-checked records, ack file, corruption set
 * aside) so unsent requests survive SIGKILL and restarts; `memory` holds
 * them in the process. One request is in flight at a time (order matters:
 * remote-write receivers refuse out-of-order samples).
 */
import path from 'node:path';
import { HEADER_BYTES } from '../../queue/record-format';
import { SignalLog, type SignalLogLogger, type StoredEntry } from '../../queue/signal-log';

export interface QueuedRequest { readonly body: Uint8Array; readonly samples: number; readonly token: unknown }

export interface ByteQueue {
  readonly durable: boolean;
  /** False when the request does not fit in max_bytes (a request never fits only if the queue is non-empty). */
  offer(body: Uint8Array, samples: number): boolean;
  /** The oldest request, taken out until ack() or nack(). */
  take(): QueuedRequest | undefined;
  ack(r: QueuedRequest): void;
  nack(r: QueuedRequest): void;
  readonly bytes: number;
  readonly entries: number;
  close(): void;
}

export class MemoryByteQueue implements ByteQueue {
  readonly durable = false;
  private readonly items: QueuedRequest[] = [];
  bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get entries(): number { return this.items.length; }

  offer(body: Uint8Array, samples: number): boolean {
    if (this.items.length > 0 && this.bytes + body.byteLength > this.maxBytes) return false;
    this.items.push({ body, samples, token: undefined });
    this.bytes += body.byteLength;
    return true;
  }

  take(): QueuedRequest | undefined { return this.items.shift(); }

  ack(r: QueuedRequest): void { this.bytes -= r.body.byteLength; }

  nack(r: QueuedRequest): void { this.items.unshift(r); }

  close(): void {}
}

export class DiskByteQueue implements ByteQueue {
  readonly durable = true;
  private readonly log: SignalLog;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(dir: string, private readonly maxBytes: number, syncIntervalMs: number, logger: SignalLogLogger & { info(o: object, m: string): void }) {
    this.log = new SignalLog(path.join(dir, 'requests'), 8 << 20, logger);
    this.log.open((r) => logger.error({ file: r.file, moved_to: r.movedTo, problem: r.problem },
      `prometheusremotewrite queue: ${r.file} is corrupt (${r.problem}); kept the valid records and moved the rest (${r.records} records) to ${r.movedTo}`));
    if (this.log.heldEntries > 0) {
      logger.info({ entries: this.log.heldEntries, dir }, `prometheusremotewrite queue: ${this.log.heldEntries} requests left by the previous run will be sent again`);
    }
    if (syncIntervalMs > 0) {
      this.timer = setInterval(() => this.log.syncInBackground(), syncIntervalMs);
      this.timer.unref();
    }
  }

  get bytes(): number { return this.log.bytes; }
  get entries(): number { return this.log.heldEntries; }

  offer(body: Uint8Array, samples: number): boolean {
    if (this.log.heldEntries > 0 && this.log.bytes + HEADER_BYTES + body.byteLength > this.maxBytes) return false;
    try {
      this.log.append(body, samples, Date.now());
      return true;
    } catch {
      return false;
    }
  }

  take(): QueuedRequest | undefined {
    for (let e = this.log.shift(); e; e = this.log.shift()) {
      try {
        return { body: this.log.read(e), samples: e.items, token: e };
      } catch {
        this.log.ack([e]);
      }
    }
    return undefined;
  }

  ack(r: QueuedRequest): void { this.log.ack([r.token as StoredEntry]); }

  nack(r: QueuedRequest): void { this.log.unshift([r.token as StoredEntry]); }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.log.close();
  }
}
