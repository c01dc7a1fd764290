/**
 * The store's write-ahead log writer: the store's StoreWriteListener. Each
 * accepted change is appended to an in-memory record (consecutive samples
 * share one record, so order across types is kept exactly); every
 * flush_interval the framed records are written to the current segment with
 * one asynchronous write (libuv's thread pool: the event loop never waits for
 * the disk). A SIGKILL loses at most the last flush_interval; with fsync the
 * write is also fdatasync'ed (power loss), else that happens at checkpoints
 * and shutdown.
 *
 * Bounded: when the buffer reaches max_buffer_bytes (the disk is slower than
 * ingest), further samples and markers are left out of the log (the store
 * keeps them; they are counted as dropped) until a write catches up.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { StoreWriteListener } from '../memory-store';
import type { Labels, MetricMetadata } from '../types';
import { ByteWriter, frame } from './frame';
import { RecordType, writeMetadata, writeSeries } from './records';
import { segmentName } from './files';

export interface WalWriterOptions {
  fsync: boolean;
  maxBufferBytes: number;
  /** Called when a write fails (the records are lost from the log, not from the store). */
  onWriteError(err: Error): void;
}

/** Close a samples record at this size, so no record grows without bound. */
const MAX_RECORD_BODY = 1 << 20;

export class WalWriter implements StoreWriteListener {
  private readonly body = new ByteWriter();
  /** The record being built: its type, where its count goes, how many entries it has. */
  private openType: RecordType | 0 = 0;
  private countAt = 0;
  private count = 0;
  private frames: Buffer[] = [];
  private framedBytes = 0;
  /** Handed to a write that has not completed yet: still memory the buffer bound must count. */
  private inFlightBytes = 0;
  private fd: number;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  droppedRecords = 0;
  writtenBytes = 0;
  /** Metadata last logged per metric name: setMetadata is called on every batch, the log needs changes only. */
  private readonly metaSeen = new Map<string, string>();

  constructor(readonly dir: string, public segment: number, private readonly opts: WalWriterOptions) {
    this.fd = fs.openSync(path.join(dir, segmentName(segment)), 'a');
  }

  get bufferedBytes(): number {
    return this.framedBytes + this.body.len + this.inFlightBytes;
  }

  seriesCreated(id: number, labels: Labels): void {
    this.closeRecord();
    writeSeries(this.body, id, labels);
    this.closeRecord(true);
  }

  sampleAppended(id: number, t: number, v: number): void {
    if (this.full()) return;
    this.openRecord(RecordType.Samples);
    this.body.u32(id);
    this.body.f64(t);
    this.body.f64(v);
    this.count++;
    if (this.body.len >= MAX_RECORD_BODY) this.closeRecord();
  }

  markedStale(id: number, t: number): void {
    if (this.full()) return;
    this.openRecord(RecordType.Stale);
    this.body.u32(id);
    this.body.f64(t);
    this.count++;
  }

  metadataSet(name: string, meta: MetricMetadata): void {
    const key = `${meta.type}\x00${meta.help}\x00${meta.unit}`;
    if (this.metaSeen.get(name) === key) return;
    this.metaSeen.set(name, key);
    this.closeRecord();
    writeMetadata(this.body, name, meta);
    this.closeRecord(true);
  }

  /** Writes what is buffered (one write in flight at a time; resolves when this flush is on disk). */
  flush(): Promise<void> {
    this.closeRecord();
    if (this.frames.length === 0 || this.closed) return this.writing;
    const buf = Buffer.concat(this.frames, this.framedBytes);
    this.frames = [];
    this.framedBytes = 0;
    const fd = this.fd;
    this.inFlightBytes += buf.length;
    this.writing = this.writing.then(() => this.write(fd, buf)).finally(() => { this.inFlightBytes -= buf.length; });
    return this.writing;
  }

  /** Flushes, syncs and closes the segment, then continues in segment + 1; resolves with the closed segment's number. */
  async roll(): Promise<number> {
    const old = this.segment;
    const oldFd = this.fd;
    const done = this.flush();
    this.segment++;
    this.fd = fs.openSync(path.join(this.dir, segmentName(this.segment)), 'a');
    await done;
    await new Promise<void>((resolve) => fs.fdatasync(oldFd, () => fs.close(oldFd, () => resolve())));
    return old;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    try { fs.fdatasyncSync(this.fd); } catch { /* best effort: the data is in the page cache */ }
    fs.closeSync(this.fd);
  }

  private full(): boolean {
    if (this.bufferedBytes < this.opts.maxBufferBytes) return false;
    this.droppedRecords++;
    return true;
  }

  private openRecord(type: RecordType): void {
    if (this.openType === type) return;
    this.closeRecord();
    this.openType = type;
    this.body.u8(type);
    this.countAt = this.body.len;
    this.body.u32(0);
    this.count = 0;
  }

  /** Frames the record being built (or, with `raw`, the one just written whole). */
  private closeRecord(raw = false): void {
    if (!raw && this.openType === 0) return;
    if (this.openType !== 0) this.body.buf.writeUInt32LE(this.count, this.countAt);
    this.openType = 0;
    if (this.body.len === 0) return;
    const body = this.body.take();
    this.frames.push(frame(body), body);
    this.framedBytes += 8 + body.length;
  }

  /** Appends (the segment is opened in append mode); a failed write is reported, never thrown. */
  private write(fd: number, buf: Buffer): Promise<void> {
    return new Promise((resolve) => {
      fs.write(fd, buf, 0, buf.length, null, (err) => {
        if (err) {
          this.opts.onWriteError(err);
          return resolve();
        }
        this.writtenBytes += buf.length;
        if (!this.opts.fsync) return resolve();
        fs.fdatasync(fd, () => resolve());
      });
    });
  }
}
