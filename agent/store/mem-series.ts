/**
 * One series in memory: a raw, uncompressed head (recent samples, the ones
 * rules and dashboards read most) that is compressed into an immutable XOR
 * chunk each time it fills, plus the series' staleness markers.
 */
import type { Labels } from './types';
import { decodeChunkInto, encodeChunk, type XorChunk } from './xor-chunk';

/** Samples per chunk: the raw head holds at most this many before it is compressed. */
export const CHUNK_SAMPLES = 32;
const INITIAL_HEAD_CAPACITY = 4;
const NO_STALE: readonly number[] = Object.freeze([]) as readonly number[];

export type AppendResult = 'ok' | 'duplicate' | 'out_of_order';

export interface SeriesWindow {
  t: Float64Array;
  v: Float64Array;
  staleT: readonly number[];
}

/** Index of the first element >= x in an ascending array. */
export function lowerBound(a: ArrayLike<number>, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element > x in an ascending array. */
export function upperBound(a: ArrayLike<number>, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class MemSeries {
  chunks: XorChunk[] = [];
  private headT = new Float64Array(INITIAL_HEAD_CAPACITY);
  private headV = new Float64Array(INITIAL_HEAD_CAPACITY);
  private headN = 0;
  /** Newest sample or stale marker time: anything appended must be later. */
  lastT = -Infinity;
  lastSampleT = -Infinity;
  lastV = NaN;
  staleT: readonly number[] = NO_STALE;

  constructor(readonly id: number, readonly labels: Labels, readonly key: string) {}

  append(t: number, v: number): AppendResult {
    if (t <= this.lastT) {
      // Prometheus accepts a resent identical sample silently and refuses a changed one.
      if (t === this.lastSampleT && t === this.lastT && Object.is(v, this.lastV)) return 'duplicate';
      return 'out_of_order';
    }
    if (this.headN === CHUNK_SAMPLES) this.cutHead();
    if (this.headN === this.headT.length) this.growHead();
    this.headT[this.headN] = t;
    this.headV[this.headN] = v;
    this.headN++;
    this.lastT = t;
    this.lastSampleT = t;
    this.lastV = v;
    return 'ok';
  }

  /** Records a staleness marker; false when it is not newer than the newest sample/marker. */
  markStale(t: number): boolean {
    if (t <= this.lastT) return false;
    if (this.lastSampleT === -Infinity) return false;
    const next = this.staleT.slice();
    next.push(t);
    this.staleT = next;
    this.lastT = t;
    return true;
  }

  /** Whether the newest thing known about the series is a staleness marker. */
  get isStale(): boolean {
    return this.lastT > this.lastSampleT;
  }

  get sampleCount(): number {
    let n = this.headN;
    for (const c of this.chunks) n += c.count;
    return n;
  }

  get minT(): number {
    if (this.chunks.length > 0) return this.chunks[0].minT;
    return this.headN > 0 ? this.headT[0] : Infinity;
  }

  /** Samples and stale markers with mint <= t <= maxt. The head part is shared, not copied. */
  window(mint: number, maxt: number): SeriesWindow {
    const staleT = this.staleWindow(mint, maxt);
    const headStart = lowerBound(this.headT, mint, 0, this.headN);
    const headEnd = upperBound(this.headT, maxt, headStart, this.headN);
    const overlapping: XorChunk[] = [];
    for (const c of this.chunks) if (c.maxT >= mint && c.minT <= maxt) overlapping.push(c);
    if (overlapping.length === 0) {
      return { t: this.headT.subarray(headStart, headEnd), v: this.headV.subarray(headStart, headEnd), staleT };
    }
    let total = headEnd - headStart;
    for (const c of overlapping) total += c.count;
    const t = new Float64Array(total);
    const v = new Float64Array(total);
    let o = 0;
    for (const c of overlapping) o = decodeChunkInto(c, t, v, o);
    t.set(this.headT.subarray(headStart, headEnd), o);
    v.set(this.headV.subarray(headStart, headEnd), o);
    const from = lowerBound(t, mint);
    const to = upperBound(t, maxt, from);
    return { t: t.subarray(from, to), v: v.subarray(from, to), staleT };
  }

  /** Drops compressed chunks and stale markers entirely before cutoff; returns the number of chunks dropped. */
  dropBefore(cutoff: number): number {
    let n = 0;
    while (n < this.chunks.length && this.chunks[n].maxT < cutoff) n++;
    if (n > 0) this.chunks = this.chunks.slice(n);
    if (this.staleT.length > 0 && this.staleT[0] < cutoff) {
      const kept = this.staleT.filter((s) => s >= cutoff);
      this.staleT = kept.length > 0 ? kept : NO_STALE;
    }
    return n;
  }

  /** Approximate bytes held by samples (for the memory benchmark and self-metrics). */
  get sampleBytes(): number {
    let b = this.headT.byteLength + this.headV.byteLength;
    for (const c of this.chunks) b += c.bytes.byteLength;
    return b;
  }

  private staleWindow(mint: number, maxt: number): readonly number[] {
    const s = this.staleT;
    if (s.length === 0) return NO_STALE;
    const from = lowerBound(s, mint);
    const to = upperBound(s, maxt, from);
    return from === 0 && to === s.length ? s : s.slice(from, to);
  }

  private cutHead(): void {
    this.chunks.push(encodeChunk(this.headT, this.headV, this.headN));
    // A fresh head: slices handed out by window() keep the old arrays intact.
    this.headT = new Float64Array(CHUNK_SAMPLES);
    this.headV = new Float64Array(CHUNK_SAMPLES);
    this.headN = 0;
  }

  private growHead(): void {
    const cap = Math.min(CHUNK_SAMPLES, this.headT.length * 2);
    const t = new Float64Array(cap);
    const v = new Float64Array(cap);
    t.set(this.headT);
    v.set(this.headV);
    this.headT = t;
    this.headV = v;
  }
}
