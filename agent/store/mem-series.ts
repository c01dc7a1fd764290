/**
 * One series in memory: a raw, uncompressed head (recent samples, the ones
 * rules and dashboards read most) that is compressed into an immutable XOR
 * chunk each time it fills, plus the series' staleness markers.
 */
import type { Labels, SampleScratch } from './types';
import { decodeChunkInto, encodeChunk, type XorChunk } from './xor-chunk';

/** The raw head holds at most this many samples before it is compressed. */
export const CHUNK_SAMPLES = 32;
/** Compressed chunks grow (by re-encoding with the next head) up to this many samples... */
export const MAX_MERGED_SAMPLES = 128;
/** ...and this time span by default (a store passes a quarter of its retention), so retention stays fine-grained. */
export const DEFAULT_MAX_CHUNK_SPAN_MS = 15 * 60_000;
/** A new series' head holds this many samples before it grows (doubling): many series only ever get one or two. */
const INITIAL_HEAD_CAPACITY = 2;
/** The head after a cut: a series that got 32 samples will get more. */
const RESTART_HEAD_CAPACITY = 8;
const EMPTY = new Float64Array(0);
const NO_STALE: readonly number[] = Object.freeze([]) as readonly number[];

export type AppendResult = 'ok' | 'duplicate' | 'out_of_order';

/** A series' whole sample state, for the store's checkpoint (agent/store/wal). */
export interface SeriesState {
  chunks: readonly XorChunk[];
  headT: Float64Array;
  headV: Float64Array;
  lastT: number;
  lastSampleT: number;
  lastV: number;
  staleT: readonly number[];
}

export interface SeriesWindow {
  t: Float64Array;
  v: Float64Array;
  staleT: readonly number[];
}

/**
 * A bump allocator for query results: a few large Float64Arrays carved into
 * per-series views, instead of two typed arrays per series. reset() makes the
 * memory reusable (by the next query), so steady rule evaluation allocates
 * no new buffers at all.
 */
export class Arena implements SampleScratch {
  private buffers: Float64Array[] = [];
  private current = -1;
  private used = 0;

  constructor(private readonly blockSize = 64 * 1024, private readonly keepBytes = 16 * 1024 * 1024) {}

  reserve(n: number): Float64Array {
    let buf = this.buffers[this.current];
    if (!buf || this.used + n > buf.length) {
      this.current++;
      buf = this.buffers[this.current];
      if (!buf || buf.length < n) {
        // current never exceeds buffers.length, so this appends or replaces a too-small block.
        buf = new Float64Array(Math.max(n, this.blockSize));
        this.buffers[this.current] = buf;
      }
      this.used = 0;
    }
    const view = buf.subarray(this.used, this.used + n);
    this.used += n;
    return view;
  }

  /** Forgets every reservation (their views must no longer be in use); keeps up to keepBytes for reuse. */
  reset(): void {
    this.current = -1;
    this.used = 0;
    let bytes = 0;
    let keep = 0;
    while (keep < this.buffers.length && bytes + this.buffers[keep].byteLength <= this.keepBytes) bytes += this.buffers[keep++].byteLength;
    this.buffers.length = keep;
  }
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

const NO_CHUNKS: readonly XorChunk[] = Object.freeze([]) as readonly XorChunk[];

/** Slots of MemSeries' one array of doubles before the head: newest time, newest sample time, newest value. */
const LAST_T = 0;
const LAST_SAMPLE_T = 1;
const LAST_V = 2;
/** Where the head's timestamps start; its values follow them, `capacity` slots later. */
const HEAD = 3;
// Scratch for cutting a head into a chunk (encodeChunk reads two arrays).
const cutT = new Float64Array(CHUNK_SAMPLES);
const cutV = new Float64Array(CHUNK_SAMPLES);

/** A plain array of n doubles (V8 keeps it unboxed: 8 bytes a slot, ~50 bytes of headers, against ~270 for a Float64Array). */
function doubles(n: number): number[] {
  const a = new Array<number>(n);
  for (let i = 0; i < n; i++) a[i] = NaN;
  return a;
}

export class MemSeries {
  chunks: readonly XorChunk[] = NO_CHUNKS;
  /**
   * The newest times and value, then the raw head: timestamps, then values
   * (`capacity` slots each). One plain array of doubles holds them all
   * because at 100 000 series the per-object overhead dominates memory: a
   * Float64Array costs ~270 bytes before its first sample, and each double
   * field of an object is a separate boxed number.
   */
  private d: number[];
  private headN = 0;
  staleT: readonly number[] = NO_STALE;
  /** The budget (MemoryStore's SeriesBudget) this series counts against, if any. */
  owner: unknown = undefined;
  /** Set when the store dropped the series: references held by writers (SeriesRef) then fall back to a lookup. */
  dropped = false;

  constructor(
    readonly id: number,
    readonly labels: Labels,
    readonly hash: number,
    private readonly maxChunkSpanMs: number = DEFAULT_MAX_CHUNK_SPAN_MS,
  ) {
    this.d = doubles(HEAD + 2 * INITIAL_HEAD_CAPACITY);
    this.d[LAST_T] = -Infinity;
    this.d[LAST_SAMPLE_T] = -Infinity;
  }

  /** Newest sample or stale marker time: anything appended must be later. */
  get lastT(): number {
    return this.d[LAST_T];
  }

  get lastSampleT(): number {
    return this.d[LAST_SAMPLE_T];
  }

  get lastV(): number {
    return this.d[LAST_V];
  }

  private get capacity(): number {
    return (this.d.length - HEAD) >>> 1;
  }

  append(t: number, v: number): AppendResult {
    const d = this.d;
    if (t <= d[LAST_T]) {
      // Prometheus accepts a resent identical sample silently and refuses a changed one.
      if (t === d[LAST_SAMPLE_T] && t === d[LAST_T] && Object.is(v, d[LAST_V])) return 'duplicate';
      return 'out_of_order';
    }
    if (this.headN === CHUNK_SAMPLES) this.cutHead();
    if (this.headN === this.capacity) this.growHead();
    const h = this.d;
    h[HEAD + this.headN] = t;
    h[HEAD + this.capacity + this.headN] = v;
    this.headN++;
    h[LAST_T] = t;
    h[LAST_SAMPLE_T] = t;
    h[LAST_V] = v;
    return 'ok';
  }

  /** The state to checkpoint: the head is copied, chunks and markers are immutable and shared. */
  exportState(): SeriesState {
    const cap = this.capacity;
    const headT = new Float64Array(this.headN);
    const headV = new Float64Array(this.headN);
    for (let i = 0; i < this.headN; i++) {
      headT[i] = this.d[HEAD + i];
      headV[i] = this.d[HEAD + cap + i];
    }
    return { chunks: this.chunks, headT, headV, lastT: this.lastT, lastSampleT: this.lastSampleT, lastV: this.lastV, staleT: this.staleT };
  }

  /** Restores a checkpointed state into a fresh series (replay, before any append). */
  importState(s: SeriesState): void {
    const n = Math.min(s.headT.length, CHUNK_SAMPLES);
    const cap = Math.max(INITIAL_HEAD_CAPACITY, n);
    const d = doubles(HEAD + 2 * cap);
    for (let i = 0; i < n; i++) {
      d[HEAD + i] = s.headT[i];
      d[HEAD + cap + i] = s.headV[i];
    }
    d[LAST_T] = s.lastT;
    d[LAST_SAMPLE_T] = s.lastSampleT;
    d[LAST_V] = s.lastV;
    this.d = d;
    this.headN = n;
    this.chunks = s.chunks.length ? s.chunks : NO_CHUNKS;
    this.staleT = s.staleT.length ? s.staleT : NO_STALE;
  }

  /** Records a staleness marker; false when it is not newer than the newest sample/marker. */
  markStale(t: number): boolean {
    if (t <= this.lastT) return false;
    if (this.lastSampleT === -Infinity) return false;
    const next = this.staleT.slice();
    next.push(t);
    this.staleT = next;
    this.d[LAST_T] = t;
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
    return this.headN > 0 ? this.d[HEAD] : Infinity;
  }

  /**
   * Samples and stale markers with mint <= t <= maxt, copied (decoded, for
   * chunks) into the arena when one is given, else into a fresh array.
   */
  window(mint: number, maxt: number, arena?: SampleScratch): SeriesWindow {
    const staleT = this.staleWindow(mint, maxt);
    const d = this.d;
    const cap = this.capacity;
    const headStart = lowerBound(d, mint, HEAD, HEAD + this.headN) - HEAD;
    const headEnd = upperBound(d, maxt, HEAD + headStart, HEAD + this.headN) - HEAD;
    const overlapping: XorChunk[] = [];
    for (const c of this.chunks) if (c.maxT >= mint && c.minT <= maxt) overlapping.push(c);
    let total = headEnd - headStart;
    for (const c of overlapping) total += c.count;
    if (total === 0) return { t: EMPTY, v: EMPTY, staleT };
    const buf = arena ? arena.reserve(2 * total) : new Float64Array(2 * total);
    // Decode into the two halves of buf, then hand out views of the requested part.
    const t = buf.subarray(0, total);
    const v = buf.subarray(total);
    let o = 0;
    for (const c of overlapping) o = decodeChunkInto(c, t, v, o);
    for (let i = headStart; i < headEnd; i++, o++) {
      t[o] = d[HEAD + i];
      v[o] = d[HEAD + cap + i];
    }
    if (overlapping.length === 0) return { t, v, staleT };
    const from = lowerBound(t, mint);
    const to = upperBound(t, maxt, from);
    return { t: buf.subarray(from, to), v: buf.subarray(total + from, total + to), staleT };
  }

  /** Drops compressed chunks and stale markers entirely before cutoff; returns the number of chunks dropped. */
  dropBefore(cutoff: number): number {
    let n = 0;
    while (n < this.chunks.length && this.chunks[n].maxT < cutoff) n++;
    if (n > 0) this.chunks = n === this.chunks.length ? NO_CHUNKS : this.chunks.slice(n);
    if (this.staleT.length > 0 && this.staleT[0] < cutoff) {
      const kept = this.staleT.filter((s) => s >= cutoff);
      this.staleT = kept.length > 0 ? kept : NO_STALE;
    }
    return n;
  }

  /** Approximate bytes held by samples (for the memory benchmark and self-metrics). */
  get sampleBytes(): number {
    let b = 8 * (this.d.length - HEAD);
    for (const c of this.chunks) b += c.bytes.length;
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
    const cap = this.capacity;
    const n = this.headN;
    for (let i = 0; i < n; i++) {
      cutT[i] = this.d[HEAD + i];
      cutV[i] = this.d[HEAD + cap + i];
    }
    const fresh = encodeChunk(cutT, cutV, n);
    const chunks = this.chunks.slice();
    // Fewer, bigger chunks mean less per-chunk overhead and better compression, but recent
    // windows would then decode a big chunk: so merge the previous last chunk into its
    // predecessor and keep the newest one small.
    const k = chunks.length;
    if (k >= 2) {
      const a = chunks[k - 2];
      const b = chunks[k - 1];
      if (a.count + b.count <= MAX_MERGED_SAMPLES && b.maxT - a.minT <= this.maxChunkSpanMs) {
        const t = new Float64Array(a.count + b.count);
        const v = new Float64Array(a.count + b.count);
        decodeChunkInto(b, t, v, decodeChunkInto(a, t, v, 0));
        chunks.splice(k - 2, 2, encodeChunk(t, v, t.length));
      }
    }
    chunks.push(fresh);
    this.chunks = chunks;
    // A fresh, small head: a series written every 15 s would otherwise keep 32 slots for good.
    const d = doubles(HEAD + 2 * RESTART_HEAD_CAPACITY);
    d[LAST_T] = this.d[LAST_T];
    d[LAST_SAMPLE_T] = this.d[LAST_SAMPLE_T];
    d[LAST_V] = this.d[LAST_V];
    this.d = d;
    this.headN = 0;
  }

  private growHead(): void {
    const oldCap = this.capacity;
    const cap = Math.min(CHUNK_SAMPLES, oldCap * 2);
    const next = doubles(HEAD + 2 * cap);
    const d = this.d;
    next[LAST_T] = d[LAST_T];
    next[LAST_SAMPLE_T] = d[LAST_SAMPLE_T];
    next[LAST_V] = d[LAST_V];
    for (let i = 0; i < this.headN; i++) {
      next[HEAD + i] = d[HEAD + i];
      next[HEAD + cap + i] = d[HEAD + oldCap + i];
    }
    this.d = next;
  }
}
