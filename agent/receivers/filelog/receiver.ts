/**
 * receivers.filelog: polls the configured globs every poll_interval, reads
 * new bytes of each file, splits them into entries, parses them into OTLP
 * log records and hands them to the next consumer (the logs pipeline) in
 * batches of at most max_batch. A batch's end offset is committed to the
 * checkpoint only after next.consume resolved, i.e. after the pipeline
 * (the exporter's durable queue, logmetrics) accepted it: a crash re-reads
 * at most the batch in flight, and a refused batch is re-read next poll.
 *
 * Polling alone, no fs.watch: inotify misses renames into a watched glob,
 * does not work on many network and overlay filesystems, and with
 * copy-truncate reports a change the poll finds anyway; a 200 ms poll of a
 * few files costs a stat and a small read each. See README.md.
 */
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import Long from 'long';
import type { Logger } from 'pino';
import { PermanentError, type Component, type Consumer, type Host } from '../../component/component';
import type { KeyValue, LogRecord } from '../../otlp/model';
import { compileRegex, type GoRegexp } from '../../regex';
import { RateLimitedLog } from '../../alerting/limit-log';
import { CheckpointFile } from './checkpoint';
import type { FilelogConfig } from './config';
import { Operator } from './operators';
import { splitEntries, type Entry } from './splitter';
import { matchTracked, openFound, resolvePaths, type Found, type Tracked } from './tailer';
import { FilelogTelemetry } from './telemetry';

async function sameStart(fh: FileHandle, fp: Buffer): Promise<boolean> {
  const buf = Buffer.alloc(fp.length);
  const { bytesRead } = await fh.read(buf, 0, fp.length, 0);
  return bytesRead === fp.length && buf.equals(fp);
}

export const FILELOG_SCOPE = 'lookout/receiver/filelog';
/** How long shutdown waits for a poll in progress (it stops at the next batch boundary). */
const SHUTDOWN_WAIT_MS = 2000;
/** Entries forgotten after this many polls without their file (the Collector keeps 3 generations). */
const FORGET_AFTER_POLLS = 3;

export interface FilelogReceiverOptions {
  /** Relative include/exclude globs resolve against this (the config file's directory). */
  baseDir: string;
  now?: () => number;
}

export class FilelogReceiver implements Component {
  private readonly operators: Operator[];
  private readonly lineStart?: GoRegexp;
  private readonly resource: KeyValue[];
  private readonly tracked: Tracked[] = [];
  private checkpoint?: CheckpointFile;
  private telemetry?: FilelogTelemetry;
  private logger?: Logger;
  private readonly warnings = new RateLimitedLog(() => this.logger);
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private stopping = false;
  private pollNo = 0;
  private windowStart = 0;
  private nextOrder = 0;
  private checkpointWasEmpty = true;
  private readonly now: () => number;
  private readonly readSize: number;

  constructor(readonly id: string, private readonly cfg: FilelogConfig, private readonly next: Consumer, private readonly opts: FilelogReceiverOptions) {
    this.operators = cfg.operators.map((o, i) => new Operator(o, i));
    if (cfg.multiline) this.lineStart = compileRegex(cfg.multiline.line_start_pattern);
    this.resource = Object.entries(cfg.resource).map(([key, v]) => ({ key, value: { stringValue: v } }));
    this.now = opts.now ?? Date.now;
    // Room for a whole max_log_size entry plus the bytes that end it.
    this.readSize = Math.max(256 * 1024, cfg.max_log_size * 2);
  }

  async start(host: Host): Promise<void> {
    this.logger = host.logger.child({ component: this.id });
    this.checkpoint = new CheckpointFile(path.join(host.storageDir, 'filelog'), this.id);
    for (const e of this.checkpoint.load()) this.tracked.push({ ...e, lastSeenPoll: 0, order: this.nextOrder++ });
    this.checkpointWasEmpty = this.tracked.length === 0;
    this.telemetry = new FilelogTelemetry(host.meter, this.id, () => this.tracked.length);
    this.logger.info({ include: this.cfg.include, checkpoint: this.checkpoint.file, resumed: this.tracked.length }, 'filelog receiver started');
    this.schedule(0);
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // A poll stops between batches; one stuck in a consume that never settles must not hold the
    // service's shutdown: its batch is not committed and is read again after the restart.
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([this.polling, new Promise<void>((r) => { timeout = setTimeout(r, SHUTDOWN_WAIT_MS); })]);
    clearTimeout(timeout);
    await Promise.all(this.tracked.map(async (t) => { await t.fh?.close().catch(() => undefined); t.fh = undefined; }));
  }

  /** Runs one poll now, after any poll in progress (tests, benchmarks); resolves when it is done. */
  pollOnce(): Promise<void> {
    const run = (this.polling ?? Promise.resolve()).then(() => this.poll());
    this.polling = run.catch((err: Error) => this.warnings.warn('poll', { err: err.message }, 'filelog poll failed'));
    return this.polling;
  }

  private schedule(delay: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      void this.pollOnce().finally(() => this.schedule(this.cfg.poll_interval));
    }, delay);
  }

  private async poll(): Promise<void> {
    const poll = ++this.pollNo;
    const startAtEnd = poll === 1 && this.checkpointWasEmpty && this.cfg.start_at === 'end';
    const all = resolvePaths(this.cfg.include, this.cfg.exclude, this.opts.baseDir);
    let paths = all;
    if (all.length > this.cfg.max_concurrent_files) {
      // A window that moves on each poll: every file gets its turn, none starves.
      this.telemetry?.skippedFiles.add(all.length - this.cfg.max_concurrent_files, { receiver: this.id });
      this.warnings.warn('max_concurrent_files', { matching: all.length, limit: this.cfg.max_concurrent_files },
        'more files match than receivers.filelog.max_concurrent_files; the rest wait for a later poll');
      const from = this.windowStart % all.length;
      paths = [...all.slice(from), ...all.slice(0, from)].slice(0, this.cfg.max_concurrent_files);
      this.windowStart = from + this.cfg.max_concurrent_files;
    }
    // Files that still match but are outside this poll's window are not "renamed away".
    const waiting = new Set(all);
    for (const p of paths) waiting.delete(p);
    const found: Found[] = [];
    for (const p of paths) {
      const f = await openFound(p, this.cfg.fingerprint_size);
      if (f) found.push(f);
    }
    const assigned = new Map<Tracked, Found>();
    const fresh: Found[] = [];
    for (const f of found) {
      const t = matchTracked(this.tracked, f.fingerprint);
      if (t && assigned.has(t)) {
        // Same content under two names (a copy in progress): read it once.
        await f.fh.close();
      } else if (t) {
        assigned.set(t, f);
      } else {
        fresh.push(f);
      }
    }
    try {
      // 1. Files that stopped matching (renamed away): finish them through the handle still open.
      for (const t of [...this.tracked]) {
        if (assigned.has(t) || !t.fh || waiting.has(t.path)) continue;
        if (this.stopping) return;
        if (!(await this.drain(t, t.fh, true))) return;
        await t.fh.close().catch(() => undefined);
        t.fh = undefined;
      }
      // 2. Known files, oldest first; 3. new files from their start (or end, at a first start).
      for (const f of fresh) {
        const size = startAtEnd ? (await f.fh.stat()).size : 0;
        const t: Tracked = { fingerprint: f.fingerprint, offset: size, path: f.path, lastSeenPoll: poll, order: this.nextOrder++ };
        this.tracked.push(t);
        assigned.set(t, f);
      }
      const order = [...assigned.keys()].sort((a, b) => a.order - b.order);
      for (const t of order) {
        const f = assigned.get(t)!;
        if (t.fh && t.fh !== f.fh) await t.fh.close().catch(() => undefined);
        t.fh = f.fh;
        t.path = f.path;
        t.lastSeenPoll = poll;
        if (f.fingerprint.length > t.fingerprint.length) t.fingerprint = f.fingerprint;
        if (this.stopping || !(await this.drain(t, f.fh, false))) break;
      }
    } finally {
      // Handles of files not read this poll (stopped, or a refused batch) stay with their entry.
      for (const [t, f] of assigned) if (t.fh !== f.fh) await f.fh.close().catch(() => undefined);
      this.forget(poll);
    }
  }

  /** Reads from t.offset to the end; false when the pipeline refused (stop this poll, retry later). */
  private async drain(t: Tracked, fh: FileHandle, final: boolean): Promise<boolean> {
    const size = (await fh.stat()).size;
    // Between the fingerprint and this read the file may have been truncated (copy-truncate) and
    // rewritten: then these are another file's bytes, read under its own fingerprint next poll.
    if (size < t.offset || !(await sameStart(fh, t.fingerprint))) return true;
    while (!this.stopping && t.offset < size) {
      const len = Math.min(size - t.offset, this.readSize);
      const buf = Buffer.alloc(len);
      const { bytesRead } = await fh.read(buf, 0, len, t.offset);
      if (bytesRead === 0) break;
      const atEnd = t.offset + bytesRead >= size;
      const idle = final || (t.tailSize === size && this.now() - (t.tailSince ?? 0) >= this.cfg.force_flush_period);
      const entries = splitEntries(buf.subarray(0, bytesRead), t.offset, {
        maxLogSize: this.cfg.max_log_size, maxEntries: this.cfg.max_batch, lineStart: this.lineStart, flush: atEnd && idle,
      });
      if (entries.length === 0) break;
      if (!(await this.emit(entries, t.path))) return false;
      const from = t.offset;
      t.offset = entries[entries.length - 1].end;
      this.telemetry?.bytes.add(t.offset - from, { receiver: this.id });
      await this.commit();
    }
    if (t.offset < size && t.tailSize !== size) {
      t.tailSize = size;
      t.tailSince = this.now();
    }
    return true;
  }

  private toRecord(e: Entry, file: string, observed: Long): LogRecord | undefined {
    const attributes: KeyValue[] = [];
    if (this.cfg.include_file_name) attributes.push({ key: 'log.file.name', value: { stringValue: path.basename(file) } });
    if (this.cfg.include_file_path) attributes.push({ key: 'log.file.path', value: { stringValue: file } });
    for (const [key, v] of Object.entries(this.cfg.attributes)) attributes.push({ key, value: { stringValue: v } });
    const rec: LogRecord = { observedTimeUnixNano: observed, body: { stringValue: e.text }, attributes };
    for (const op of this.operators) {
      const outcome = op.apply(rec, (operator, stage) => {
        this.telemetry?.parseErrors.add(1, { receiver: this.id, operator, stage });
        this.warnings.warn(`parse:${operator}:${stage}`, { operator, stage, file }, 'filelog: a line did not parse');
      });
      if (outcome === 'drop') {
        this.telemetry?.dropped.add(1, { receiver: this.id, reason: 'on_error' });
        return undefined;
      }
    }
    return rec;
  }

  /** Hands a batch on; true when accepted (or permanently refused: counted, never retried). */
  private async emit(entries: Entry[], file: string): Promise<boolean> {
    const observed = Long.fromString((BigInt(this.now()) * 1_000_000n).toString(), true);
    const logRecords: LogRecord[] = [];
    for (const e of entries) {
      if (e.truncated) this.telemetry?.truncated.add(1, { receiver: this.id });
      const r = this.toRecord(e, file, observed);
      if (r) logRecords.push(r);
    }
    if (logRecords.length === 0) return true;
    try {
      await this.next.consume('logs', {
        resourceLogs: [{ resource: { attributes: this.resource }, scopeLogs: [{ scope: { name: FILELOG_SCOPE }, logRecords }] }],
      });
      this.telemetry?.records.add(logRecords.length, { receiver: this.id });
      return true;
    } catch (err) {
      if (err instanceof PermanentError) {
        this.telemetry?.dropped.add(logRecords.length, { receiver: this.id, reason: 'permanent' });
        this.warnings.warn('permanent', { err: err.message, file }, 'filelog: the pipeline refused records permanently; they are dropped');
        return true;
      }
      this.telemetry?.refusals.add(1, { receiver: this.id });
      this.warnings.warn('refused', { err: (err as Error).message, file }, 'filelog: the pipeline refused a batch; retrying from the same offset');
      return false;
    }
  }

  private async commit(): Promise<void> {
    try {
      await this.checkpoint!.save(this.tracked);
    } catch (err) {
      this.telemetry?.checkpointErrors.add(1, { receiver: this.id });
      this.warnings.warn('checkpoint', { err: (err as Error).message }, 'filelog: cannot write the checkpoint');
    }
  }

  /** Drops entries whose file has been gone for a while, and the oldest beyond the bound. */
  private forget(poll: number): void {
    const keep = this.tracked.filter((t) => t.fh || poll - t.lastSeenPoll < FORGET_AFTER_POLLS || t.lastSeenPoll === 0 && poll < FORGET_AFTER_POLLS);
    const limit = this.cfg.max_concurrent_files * 2;
    const bounded = keep.length > limit ? keep.sort((a, b) => a.order - b.order).slice(keep.length - limit) : keep;
    this.tracked.length = 0;
    this.tracked.push(...bounded.sort((a, b) => a.order - b.order));
  }
}
