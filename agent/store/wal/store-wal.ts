/**
 * The store's persistence, Prometheus' head WAL + checkpoint model: open()
 * replays the newest checkpoint and the segments after it into the store,
 * then attaches a WalWriter as the store's write listener. Every
 * flush_interval the buffered records are written; every
 * checkpoint_interval the WAL is rolled to a new segment, the whole store
 * checkpointed (in slices, off the event loop's critical path) and what the
 * previous checkpoint covered deleted (one generation is kept as a fallback). close() writes what is buffered
 * and syncs (SIGTERM); a SIGKILL loses at most the last flush_interval.
 */
import fs from 'node:fs';
import type { MemoryStore } from '../memory-store';
import type { StoreWalConfig } from './config';
import { writeCheckpoint } from './checkpoint';
import { listWalFiles, walBytes } from './files';
import { replay, replayInSlices, type ReplayLogger, type ReplayResult } from './replay';
import { WalWriter } from './wal-writer';

export interface StoreWalStats {
  bytes: number;
  replay: ReplayResult | undefined;
  checkpoints: number;
  checkpointFailures: number;
  lastCheckpointSeconds: number;
  droppedRecords: number;
  writeErrors: number;
  bufferedBytes: number;
}

export class StoreWal {
  private writer: WalWriter | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private checkpointing: Promise<void> | undefined;
  private closing = false;
  private replayed: ReplayResult | undefined;
  private checkpoints = 0;
  private checkpointFailures = 0;
  private lastCheckpointSeconds = 0;
  private writeErrors = 0;
  private lastErrorLog = -Infinity;
  private bytesCache = { at: -Infinity, bytes: 0 };
  /** A write failed: the log has a gap (maybe series records) that only a checkpoint closes. */
  private needsCheckpoint = false;
  private lastRepairAt = -Infinity;
  private reportedDrops = 0;
  private lastDropLog = -Infinity;

  constructor(private readonly store: MemoryStore, readonly dir: string, private readonly config: StoreWalConfig, private readonly logger: ReplayLogger) {}

  /** Replays what an earlier run left, all at once, then logs every change. */
  open(now: number = Date.now()): ReplayResult {
    fs.mkdirSync(this.dir, { recursive: true });
    return this.attach(replay(this.store, this.dir, this.logger), now);
  }

  /**
   * open() with the replay in slices of ~20 ms, the event loop served in
   * between (the agent: /healthz answers, /readyz says 503 until it resolves).
   */
  async openInSlices(now: () => number = Date.now): Promise<ReplayResult> {
    fs.mkdirSync(this.dir, { recursive: true });
    const r = await replayInSlices(this.store, this.dir, this.logger);
    return this.attach(r, now());
  }

  private attach(r: ReplayResult, now: number): ReplayResult {
    const compacted = this.store.compact(now);
    this.replayed = r;
    this.logger.info({
      dir: this.dir, series: this.store.seriesCount, checkpoint_series: r.checkpointSeries, segments: r.segments, samples: r.samples,
      corrupt_records: r.corruptRecords, skipped: r.skipped, dropped_by_retention: compacted.droppedSeries, duration_ms: Math.round(r.durationMs),
    }, `store WAL: restored ${this.store.seriesCount} series in ${Math.round(r.durationMs)} ms`);
    this.writer = new WalWriter(this.dir, r.nextSegment, {
      fsync: this.config.fsync,
      maxBufferBytes: this.config.max_buffer_bytes,
      onWriteError: (err) => this.writeError(err),
    });
    // Series whose records use another id than the store gave them: name them first in the new segment.
    for (const s of new Set(r.renamed)) this.writer.seriesCreated(s.id, s.labels);
    this.store.setWriteListener(this.writer);
    this.flushTimer = setInterval(() => this.tick(), this.config.flush_interval);
    this.flushTimer.unref();
    this.checkpointTimer = setInterval(() => void this.checkpoint(), this.config.checkpoint_interval);
    this.checkpointTimer.unref();
    return r;
  }

  private tick(): void {
    void this.flush();
    // At most every 10 s: on a disk that stays full every attempt fails (and is logged).
    if (this.needsCheckpoint && !this.checkpointing && Date.now() - this.lastRepairAt >= 10_000) {
      this.needsCheckpoint = false;
      this.lastRepairAt = Date.now();
      void this.checkpoint();
    }
  }

  /** Writes what is buffered now (the timer; tests, benchmarks). */
  flush(): Promise<void> {
    this.reportDrops();
    return this.writer?.flush() ?? Promise.resolve();
  }

  /** One warning a minute while records are left out of the log (the disk is slower than ingest). */
  private reportDrops(): void {
    const dropped = this.writer?.droppedRecords ?? 0;
    const now = Date.now();
    if (dropped === this.reportedDrops || now - this.lastDropLog < 60_000) return;
    this.logger.warn({ dir: this.dir, dropped: dropped - this.reportedDrops, dropped_total: dropped, max_buffer_bytes: this.config.max_buffer_bytes },
      `store WAL: ${dropped - this.reportedDrops} samples/markers left out of the log: writes are slower than ingest (store.wal.max_buffer_bytes reached); they stay in memory but would not survive a crash`);
    this.reportedDrops = dropped;
    this.lastDropLog = now;
    this.needsCheckpoint = true; // the gap closes with the next checkpoint
  }

  /** Rolls the WAL, checkpoints the store, deletes what the checkpoint covers. One at a time. */
  checkpoint(): Promise<void> {
    this.checkpointing ??= this.doCheckpoint().finally(() => { this.checkpointing = undefined; });
    return this.checkpointing;
  }

  stats(): StoreWalStats {
    const now = Date.now();
    // Listing the folder on every /metrics scrape is cheap, but not free: at most once a second.
    if (now - this.bytesCache.at > 1000) this.bytesCache = { at: now, bytes: walBytes(this.dir) };
    return {
      bytes: this.bytesCache.bytes,
      replay: this.replayed,
      checkpoints: this.checkpoints,
      checkpointFailures: this.checkpointFailures,
      lastCheckpointSeconds: this.lastCheckpointSeconds,
      droppedRecords: this.writer?.droppedRecords ?? 0,
      writeErrors: this.writeErrors,
      bufferedBytes: this.writer?.bufferedBytes ?? 0,
    };
  }

  /** Stops logging, cancels a running checkpoint, writes and syncs what is buffered. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.flushTimer);
    clearInterval(this.checkpointTimer);
    this.store.setWriteListener(undefined);
    await this.checkpointing?.catch(() => undefined);
    await this.writer?.close();
  }

  private async doCheckpoint(): Promise<void> {
    if (!this.writer || this.closing) return;
    const started = performance.now();
    try {
      const n = await this.writer.roll();
      const r = await writeCheckpoint(this.store, this.dir, n, () => this.closing);
      // One generation back is kept (the previous checkpoint and the segments after it), so an
      // unreadable newest checkpoint still leaves a complete history to replay.
      const files = listWalFiles(this.dir);
      const previous = Math.max(0, ...files.checkpoints.filter((c) => c.n < n).map((c) => c.n));
      for (const seg of files.segments) if (seg.n <= previous) fs.rmSync(seg.file, { force: true });
      for (const cp of files.checkpoints) if (cp.n < previous) fs.rmSync(cp.file, { force: true });
      this.checkpoints++;
      this.lastCheckpointSeconds = (performance.now() - started) / 1000;
      this.logger.info({ segment: n, series: r.series, bytes: r.bytes, duration_ms: Math.round(this.lastCheckpointSeconds * 1000) },
        `store WAL: checkpoint of ${r.series} series written`);
    } catch (err) {
      if (this.closing) return;
      this.checkpointFailures++;
      this.needsCheckpoint = true;
      this.logger.error({ dir: this.dir, err: (err as Error).message }, `store WAL: checkpoint failed: ${(err as Error).message}; the WAL keeps growing until one succeeds`);
    }
  }

  private writeError(err: Error): void {
    this.writeErrors++;
    this.needsCheckpoint = true;
    const now = Date.now();
    if (now - this.lastErrorLog < 60_000) return;
    this.lastErrorLog = now;
    this.logger.error({ dir: this.dir, err: err.message }, `store WAL: write failed (${err.message}); records are missing from the log until the next checkpoint succeeds (tried every 10 s), the store itself is unaffected`);
  }
}
