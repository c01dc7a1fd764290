/**
 * Checkpoints: the whole store (every series with its compressed chunks,
 * raw head and stale markers, plus metadata) in one file, so a restart loads
 * chunks as they are instead of re-appending every sample, and the WAL only
 * has to be replayed from the checkpoint on.
 *
 * Layout: framed records (frame.ts): a header (magic "LSC1", the platform's
 * byte order, since chunk bits are stored as the process wrote them), one
 * record per 1000 series, a metadata record, and an end record with the
 * series count: a checkpoint without its end record is incomplete and unused.
 *
 * Writing yields to the event loop after each 1000 series and writes
 * asynchronously; it goes to `<name>.tmp`, is fdatasync'ed and renamed, so a
 * crash mid-way leaves the previous checkpoint in force.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MemoryStore } from '../memory-store';
import type { SeriesState } from '../mem-series';
import type { Labels, MetricMetadata } from '../types';
import type { XorChunk } from '../xor-chunk';
import { ByteReader, ByteWriter, frame, readFrames } from './frame';
import { readLabels } from './records';
import { checkpointName } from './files';

const MAGIC = 'LSC1';
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const SERIES_PER_RECORD = 1000;
const enum Kind { Header = 1, Series = 2, Metadata = 3, End = 4 }

export interface CheckpointSeries { id: number; labels: Labels; state: SeriesState }

function writeState(w: ByteWriter, id: number, labels: Labels, s: SeriesState): void {
  w.u32(id);
  const names = Object.keys(labels);
  w.u32(names.length);
  for (const n of names) { w.str(n); w.str(labels[n]); }
  w.f64(s.lastT);
  w.f64(s.lastSampleT);
  w.f64(s.lastV);
  w.f64s(s.staleT);
  w.u32(s.chunks.length);
  for (const c of s.chunks) {
    w.u32(c.count);
    w.f64(c.minT);
    w.f64(c.maxT);
    w.latin1(c.bytes);
  }
  w.f64s(s.headT);
  w.f64s(s.headV);
}

function readState(r: ByteReader): CheckpointSeries {
  const id = r.u32();
  const labels = readLabels(r);
  const lastT = r.f64();
  const lastSampleT = r.f64();
  const lastV = r.f64();
  const staleT = Array.from(r.f64s());
  const chunks: XorChunk[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const count = r.u32();
    const minT = r.f64();
    const maxT = r.f64();
    chunks.push({ count, minT, maxT, bytes: r.latin1() });
  }
  const headT = r.f64s();
  const headV = r.f64s();
  return { id, labels, state: { chunks, headT, headV, lastT, lastSampleT, lastV, staleT } };
}

export interface CheckpointWriteResult { series: number; bytes: number }

/**
 * Writes the checkpoint covering WAL segments up to n. `cancelled` is polled
 * between slices (shutdown): a cancelled checkpoint is deleted and throws.
 */
export async function writeCheckpoint(store: MemoryStore, dir: string, n: number, cancelled: () => boolean): Promise<CheckpointWriteResult> {
  const final = path.join(dir, checkpointName(n));
  const tmp = `${final}.tmp`;
  const fh = await fs.promises.open(tmp, 'w');
  let bytes = 0;
  let series = 0;
  const w = new ByteWriter(1 << 20);
  const put = async (kind: Kind, fill: () => void) => {
    w.u8(kind);
    fill();
    const body = w.take();
    const h = frame(body);
    await fh.write(h);
    await fh.write(body);
    bytes += h.length + body.length;
  };
  try {
    await put(Kind.Header, () => { w.str(MAGIC); w.u8(LITTLE_ENDIAN ? 1 : 0); w.f64(Date.now()); });
    let inRecord = 0;
    let countAt = -1;
    const startRecord = () => { w.u8(Kind.Series); countAt = w.len; w.u32(0); inRecord = 0; };
    const endRecord = async () => {
      w.buf.writeUInt32LE(inRecord, countAt);
      const body = w.take();
      const h = frame(body);
      await fh.write(h);
      await fh.write(body);
      bytes += h.length + body.length;
      countAt = -1;
    };
    for (const s of store.persistedSeries()) {
      if (countAt < 0) startRecord();
      writeState(w, s.id, s.labels, s.exportState());
      inRecord++;
      series++;
      if (inRecord === SERIES_PER_RECORD) {
        await endRecord();
        // Let the event loop serve requests between slices.
        await new Promise((resolve) => setImmediate(resolve));
        if (cancelled()) throw new Error('checkpoint cancelled (shutting down)');
      }
    }
    if (countAt >= 0) await endRecord();
    const meta = [...store.metadata()];
    await put(Kind.Metadata, () => {
      w.u32(meta.length);
      for (const [name, m] of meta) { w.str(name); w.str(m.type); w.str(m.help); w.str(m.unit); }
    });
    await put(Kind.End, () => w.u32(series));
    await fh.datasync();
    await fh.close();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  await fs.promises.rename(tmp, final);
  // The rename itself must survive a power cut before older files are deleted.
  const dh = await fs.promises.open(dir, 'r');
  await dh.sync().catch(() => undefined);
  await dh.close();
  return { series, bytes };
}

export interface CheckpointRead {
  /** Series handed to onSeries. */
  series: number;
  /** Why the rest of the checkpoint cannot be used (corrupt, incomplete, other byte order). */
  problem?: string;
}

/**
 * Streams a checkpoint's series to onSeries (no second copy of the whole
 * store in memory). On a problem the series already handed over stay: they
 * are a consistent prefix, and replaying an older checkpoint and the WAL
 * after it only fills in what they lack (older samples are refused).
 */
export function readCheckpoint(file: string, onSeries: (s: CheckpointSeries) => void, onMetadata: (name: string, m: MetricMetadata) => void): CheckpointRead {
  const steps = readCheckpointSteps(file, onSeries, onMetadata, () => false);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** readCheckpoint() in slices: yields between records (1 000 series each) whenever due() says so. */
export function* readCheckpointSteps(
  file: string, onSeries: (s: CheckpointSeries) => void, onMetadata: (name: string, m: MetricMetadata) => void, due: () => boolean,
): Generator<void, CheckpointRead, void> {
  const buf = fs.readFileSync(file);
  const frames = readFrames(buf);
  let series = 0;
  let first = true;
  let ended = false;
  for (let f = frames.next(); ; f = frames.next()) {
    if (f.done) {
      if (f.value.problem) return { series, problem: f.value.problem };
      break;
    }
    if (due()) yield;
    const r = new ByteReader(f.value);
    const kind = r.u8();
    if (first) {
      first = false;
      if (kind !== Kind.Header || r.str() !== MAGIC) return { series, problem: 'not a checkpoint (bad header)' };
      if ((r.u8() === 1) !== LITTLE_ENDIAN) return { series, problem: 'written on a platform of the other byte order' };
      continue;
    }
    if (kind === Kind.Series) {
      for (let n = r.u32(); n > 0; n--) { onSeries(readState(r)); series++; }
    } else if (kind === Kind.Metadata) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.str();
        onMetadata(name, { type: r.str() as MetricMetadata['type'], help: r.str(), unit: r.str() });
      }
    } else if (kind === Kind.End) {
      if (r.u32() !== series) return { series, problem: 'series count does not match its end record' };
      ended = true;
    }
  }
  if (!ended) return { series, problem: 'incomplete (no end record)' };
  return { series };
}
