/**
 * Start-up: rebuilds the store from the newest complete checkpoint and the
 * WAL segments after it, in order. Samples already in the checkpoint (a
 * checkpoint is taken while appends continue) are refused by the series as
 * not newer and skipped silently, as Prometheus' replay does. A corrupt
 * segment is replayed up to its last valid record; the rest is set aside,
 * logged with the file's name and counted. Nothing here is written back to
 * the WAL (the listener is attached afterwards).
 */
import fs from 'node:fs';
import type { MemoryStore } from '../memory-store';
import type { MemSeries } from '../mem-series';
import { readFrames } from './frame';
import { decodeRecord, RecordType } from './records';
import { readCheckpointSteps } from './checkpoint';
import { listWalFiles, setAsideTail } from './files';

export interface ReplayLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ReplayResult {
  /** The segment number new records go to. */
  nextSegment: number;
  checkpointSeries: number;
  segments: number;
  samples: number;
  corruptRecords: number;
  /** Series the store refused (max_series) or samples of unknown series: left out. */
  skipped: number;
  /** Series restored under another id than their records use: the new log must name them again. */
  renamed: MemSeries[];
  durationMs: number;
}

/** The whole replay at once (tests, benchmarks). */
export function replay(store: MemoryStore, dir: string, logger: ReplayLogger): ReplayResult {
  const steps = replaySteps(store, dir, logger, () => false);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The replay in slices of about sliceMs, the event loop served in between
 * (2.7 s at 100 000 series would otherwise stall /healthz and the admin
 * port that says 503 on /readyz meanwhile). Nothing else writes to the store
 * until it resolves: the store starts first and the service is not ready before.
 */
export async function replayInSlices(store: MemoryStore, dir: string, logger: ReplayLogger, sliceMs = 20): Promise<ReplayResult> {
  let sliceEnd = performance.now() + sliceMs;
  const steps = replaySteps(store, dir, logger, () => performance.now() >= sliceEnd);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceEnd = performance.now() + sliceMs;
  }
}

/** replay() as a generator that yields whenever due() says so (between records). */
export function* replaySteps(store: MemoryStore, dir: string, logger: ReplayLogger, due: () => boolean): Generator<void, ReplayResult, void> {
  const started = performance.now();
  const files = listWalFiles(dir);
  for (const tmp of files.temporary) fs.rmSync(tmp, { force: true }); // an interrupted checkpoint
  const result: ReplayResult = { nextSegment: 1, checkpointSeries: 0, segments: 0, samples: 0, corruptRecords: 0, skipped: 0, renamed: [], durationMs: 0 };
  const refs = new Map<number, MemSeries>();

  // The newest checkpoint that reads back whole; an unusable one is logged and the next older one tried.
  let from = 0;
  for (let i = files.checkpoints.length - 1; i >= 0; i--) {
    const cp = files.checkpoints[i];
    const read = yield* readCheckpointSteps(cp.file, (s) => {
      const series = store.restoreSeries(s.id, s.labels);
      if (!series) { result.skipped++; return; }
      if (series.lastT === -Infinity) series.importState(s.state);
      if (series.id !== s.id) result.renamed.push(series);
      refs.set(s.id, series);
    }, (name, meta) => store.setMetadata(name, meta), due);
    if (read.problem) {
      result.corruptRecords++;
      logger.error({ file: cp.file, problem: read.problem, series_restored: read.series },
        `store WAL: checkpoint ${cp.file} is unusable after ${read.series} series (${read.problem}); trying the one before it`);
      continue;
    }
    result.checkpointSeries = read.series;
    from = cp.n;
    break;
  }
  result.nextSegment = from + 1;

  for (const seg of files.segments) {
    result.nextSegment = Math.max(result.nextSegment, seg.n + 1);
    if (seg.n <= from) continue;
    result.segments++;
    const buf = fs.readFileSync(seg.file);
    const frames = readFrames(buf);
    for (let f = frames.next(); ; f = frames.next()) {
      if (f.done) {
        if (f.value.problem) {
          result.corruptRecords++;
          const movedTo = setAsideTail(seg.file, buf, f.value.goodBytes);
          logger.error({ file: seg.file, moved_to: movedTo, problem: f.value.problem },
            `store WAL: ${seg.file} is corrupt (${f.value.problem}); replayed the valid records before it, moved the rest to ${movedTo}`);
        }
        break;
      }
      if (due()) yield;
      let rec;
      try {
        rec = decodeRecord(f.value);
      } catch (err) {
        result.corruptRecords++;
        logger.error({ file: seg.file, err: (err as Error).message }, `store WAL: unreadable record in ${seg.file}: ${(err as Error).message}; skipped`);
        continue;
      }
      switch (rec.type) {
        case RecordType.Series: {
          const s = store.restoreSeries(rec.id, rec.labels);
          if (s) {
            refs.set(rec.id, s);
            if (s.id !== rec.id) result.renamed.push(s);
          } else {
            refs.delete(rec.id);
            result.skipped++;
          }
          break;
        }
        case RecordType.Samples:
          for (let i = 0; i < rec.ids.length; i++) {
            const s = refs.get(rec.ids[i]);
            if (!s) { result.skipped++; continue; }
            if (s.append(rec.t[i], rec.v[i]) === 'ok') result.samples++;
          }
          break;
        case RecordType.Stale:
          for (let i = 0; i < rec.ids.length; i++) refs.get(rec.ids[i])?.markStale(rec.t[i]);
          break;
        case RecordType.Metadata:
          store.setMetadata(rec.name, rec.meta);
          break;
      }
    }
  }
  result.durationMs = performance.now() - started;
  return result;
}
