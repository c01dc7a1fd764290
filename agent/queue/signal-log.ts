/**
 * One signal's durable FIFO: append-only segment files plus an ack file, in
 * its own folder. Appends go to the active segment (a new one after every
 * start and every `segmentBytes`); a segment is deleted once every entry in
 * it is acked. The index of held entries (sequence, file, offset, length) is
 * in memory; payloads stay on disk and are read back on take.
 *
 * Recovery (open): the ack file gives the acked-through sequence; every
 * segment is scanned and checksummed; records after it are held again
 * (marked recovered, so their redelivery is counted). At the first invalid
 * record the rest of that segment is copied to `<segment>.corrupt-<time>`,
 * the segment truncated to its good prefix, and the loss counted and logged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AckFile, readAckFile } from './ack-file';
import { countLostInTail, encodeHeader, HEADER_BYTES, scanRecords } from './record-format';

export interface SignalLogLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

interface Segment {
  file: string;
  firstSeq: number;
  lastSeq: number;
  bytes: number;
  /** Open for reading (recovered segments) or read/write (the active one). */
  fd: number | undefined;
}

export interface StoredEntry {
  readonly seq: number;
  readonly segment: Segment;
  readonly payloadOffset: number;
  readonly payloadLength: number;
  readonly items: number;
  readonly enqueuedAt: number;
  /** Written by an earlier run: taking it is a redelivery. */
  readonly recovered: boolean;
  acked: boolean;
}

export interface CorruptionReport {
  file: string;
  movedTo: string;
  problem: string;
  records: number;
  items: number;
}

const SEGMENT_SUFFIX = '.seg';

export class SignalLog {
  private readonly segments: Segment[] = [];
  private active: Segment | undefined;
  /** Held entries in sequence order (acked ones until they reach the front). */
  private held: StoredEntry[] = [];
  private heldHead = 0;
  /** Entries not taken, oldest first. */
  private waiting: StoredEntry[] = [];
  private waitingHead = 0;
  private ackFile!: AckFile;
  private ackedThrough = 0;
  private nextSeq = 1;
  private dirty = false;
  private syncing = false;
  /** Held (unacked) entries and their items, waiting ones apart. */
  heldEntries = 0;
  heldItems = 0;
  waitingItems = 0;
  /** Bytes of this signal's segment files. */
  bytes = 0;

  constructor(readonly dir: string, private readonly segmentBytes: number, private readonly logger: SignalLogLogger) {}

  /** Loads what an earlier run left; reports each corrupt segment it set aside. */
  open(onCorrupt: (r: CorruptionReport) => void): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const ackPath = path.join(this.dir, 'ack');
    const ack = readAckFile(ackPath);
    if (ack.problem) this.logger.warn({ file: ackPath }, `queue: ${ack.problem}`);
    this.ackedThrough = ack.ackedThrough;
    this.ackFile = new AckFile(ackPath);
    let maxSeq = this.ackedThrough;
    const names = fs.readdirSync(this.dir).filter((n) => n.endsWith(SEGMENT_SUFFIX)).sort();
    for (const name of names) {
      const file = path.join(this.dir, name);
      const buf = fs.readFileSync(file);
      const scan = scanRecords(buf);
      if (scan.problem) onCorrupt(this.setAside(file, buf, scan.goodBytes, scan.problem));
      const seg: Segment = { file, firstSeq: Number.parseInt(name, 10), lastSeq: 0, bytes: scan.goodBytes, fd: undefined };
      for (const r of scan.records) {
        seg.lastSeq = Math.max(seg.lastSeq, r.seq);
        maxSeq = Math.max(maxSeq, r.seq);
        if (r.seq <= this.ackedThrough) continue;
        this.hold({ seq: r.seq, segment: seg, payloadOffset: r.payloadOffset, payloadLength: r.payloadLength, items: r.items, enqueuedAt: r.enqueuedAt, recovered: true, acked: false });
      }
      if (seg.lastSeq <= this.ackedThrough) {
        fs.rmSync(file, { force: true });
        continue;
      }
      this.segments.push(seg);
      this.bytes += seg.bytes;
    }
    this.nextSeq = maxSeq + 1;
  }

  /** Appends a record; throws on I/O errors (full disk), leaving nothing half-written behind. */
  append(payload: Uint8Array, items: number, enqueuedAt: number): void {
    const seg = this.activeSegment(HEADER_BYTES + payload.byteLength);
    const seq = this.nextSeq;
    const header = encodeHeader(seq, enqueuedAt, items, payload);
    const at = seg.bytes;
    try {
      const written = fs.writevSync(seg.fd!, [header, payload], at);
      if (written !== HEADER_BYTES + payload.byteLength) throw new Error(`short write (${written} of ${HEADER_BYTES + payload.byteLength} bytes)`);
    } catch (err) {
      try { fs.ftruncateSync(seg.fd!, at); } catch { /* the checksum catches a torn record at the next start */ }
      throw err;
    }
    this.nextSeq++;
    seg.bytes += HEADER_BYTES + payload.byteLength;
    seg.lastSeq = seq;
    this.bytes += HEADER_BYTES + payload.byteLength;
    this.dirty = true;
    this.hold({ seq, segment: seg, payloadOffset: at + HEADER_BYTES, payloadLength: payload.byteLength, items, enqueuedAt, recovered: false, acked: false });
  }

  /** The first waiting entry (not taken), if any. */
  peek(): StoredEntry | undefined {
    return this.waiting[this.waitingHead];
  }

  /** Takes the first waiting entry. */
  shift(): StoredEntry | undefined {
    const e = this.waiting[this.waitingHead];
    if (!e) return undefined;
    this.waitingHead++;
    this.waitingItems -= e.items;
    if (this.waitingHead === this.waiting.length) {
      this.waiting = [];
      this.waitingHead = 0;
    } else if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waitingHead);
      this.waitingHead = 0;
    }
    return e;
  }

  /** Puts taken entries back at the front, in the given order. */
  unshift(entries: readonly StoredEntry[]): void {
    for (let i = entries.length - 1; i >= 0; i--) {
      if (this.waitingHead > 0) this.waiting[--this.waitingHead] = entries[i];
      else this.waiting.unshift(entries[i]);
      this.waitingItems += entries[i].items;
    }
  }

  get waitingEntries(): number {
    return this.waiting.length - this.waitingHead;
  }

  /** enqueuedAt of the oldest held entry (waiting or taken). */
  oldestHeldAt(): number | undefined {
    for (let i = this.heldHead; i < this.held.length; i++) if (!this.held[i].acked) return this.held[i].enqueuedAt;
    return undefined;
  }

  /**
   * An entry's payload read back from its segment: into `into` at `at` when
   * given (a batch's entries share one buffer), else into a buffer of its own.
   */
  read(e: StoredEntry, into?: Buffer, at = 0): Buffer {
    const seg = e.segment;
    seg.fd ??= fs.openSync(seg.file, 'r');
    const buf = into ?? Buffer.allocUnsafe(e.payloadLength);
    const n = fs.readSync(seg.fd, buf, at, e.payloadLength, e.payloadOffset);
    if (n !== e.payloadLength) throw new Error(`queue: short read from ${seg.file} at byte ${e.payloadOffset} (${n} of ${e.payloadLength} bytes)`);
    return into ? buf.subarray(at, at + e.payloadLength) : buf;
  }

  /** Forgets entries for good: persists the new read position, deletes segments wholly acked. */
  ack(entries: readonly StoredEntry[]): void {
    for (const e of entries) {
      if (e.acked) continue;
      e.acked = true;
      this.heldEntries--;
      this.heldItems -= e.items;
    }
    const before = this.ackedThrough;
    while (this.heldHead < this.held.length && this.held[this.heldHead].acked) this.ackedThrough = this.held[this.heldHead++].seq;
    if (this.heldHead === this.held.length) {
      this.held = [];
      this.heldHead = 0;
      this.ackedThrough = this.nextSeq - 1;
    } else if (this.heldHead > 1024 && this.heldHead * 2 > this.held.length) {
      this.held = this.held.slice(this.heldHead);
      this.heldHead = 0;
    }
    if (this.ackedThrough === before) return;
    this.ackFile.write(this.ackedThrough);
    this.dropAckedSegments();
  }

  /** Flushes written data to the device (async, off the event loop); one sync at a time. */
  syncInBackground(): void {
    const seg = this.active;
    if (!this.dirty || this.syncing || !seg?.fd) return;
    this.dirty = false;
    this.syncing = true;
    fs.fdatasync(seg.fd, () => { this.syncing = false; });
  }

  close(): void {
    for (const seg of this.segments) this.closeSegment(seg);
    if (this.active?.fd !== undefined) {
      try { fs.fdatasyncSync(this.active.fd); } catch { /* best effort: the data already is in the page cache */ }
    }
    this.closeSegment(this.active);
    this.active = undefined;
    this.ackFile?.close();
  }

  private hold(e: StoredEntry): void {
    this.held.push(e);
    this.waiting.push(e);
    this.heldEntries++;
    this.heldItems += e.items;
    this.waitingItems += e.items;
  }

  private activeSegment(recordBytes: number): Segment {
    if (this.active && this.active.bytes > 0 && this.active.bytes + recordBytes > this.segmentBytes) {
      this.syncInBackground();
      this.active = undefined; // stays in segments, read-only from now on
    }
    if (this.active) return this.active;
    const file = path.join(this.dir, `${String(this.nextSeq).padStart(16, '0')}${SEGMENT_SUFFIX}`);
    const seg: Segment = { file, firstSeq: this.nextSeq, lastSeq: 0, bytes: 0, fd: fs.openSync(file, 'w+') };
    this.segments.push(seg);
    this.active = seg;
    return seg;
  }

  private dropAckedSegments(): void {
    const keep: Segment[] = [];
    const allAcked = this.heldEntries === 0;
    for (const seg of this.segments) {
      // The active segment goes too once everything is acked: the next append starts a fresh one.
      const done = seg.lastSeq <= this.ackedThrough && (seg !== this.active || allAcked);
      if (!done) {
        keep.push(seg);
        continue;
      }
      if (seg === this.active) this.active = undefined;
      this.closeSegment(seg);
      fs.rmSync(seg.file, { force: true });
      this.bytes -= seg.bytes;
    }
    this.segments.length = 0;
    this.segments.push(...keep);
  }

  private closeSegment(seg: Segment | undefined): void {
    if (seg?.fd === undefined) return;
    const fd = seg.fd;
    seg.fd = undefined;
    // A background fdatasync still running on it fails with EBADF, which is harmless: the file is gone or sealed.
    fs.closeSync(fd);
  }

  private setAside(file: string, buf: Buffer, goodBytes: number, problem: string): CorruptionReport {
    const tail = buf.subarray(goodBytes);
    const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.writeFileSync(movedTo, tail);
    fs.truncateSync(file, goodBytes);
    const lost = countLostInTail(tail);
    return { file, movedTo, problem, records: lost.records, items: lost.items };
  }
}
