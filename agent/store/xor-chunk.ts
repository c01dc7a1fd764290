/**
 * Immutable compressed sample chunks, Gorilla-style (Facebook's "Gorilla"
 * paper, the scheme Prometheus' TSDB uses): timestamps as delta-of-delta in
 * variable-width buckets, values XORed with their predecessor so repeated or
 * slowly changing values cost a few bits. A regular counter scraped every
 * 15 s takes ~1-2 bytes per sample instead of 16 raw.
 *
 * Chunks are written once, in bulk, when a series' raw head fills up; the
 * head stays uncompressed so the most queried (recent) data needs no decoding.
 * The encoded bytes are kept in a one-byte (latin1) string: V8 stores those
 * with ~30 bytes of overhead, against ~200 for a Uint8Array and its buffer.
 */

// Float64 <-> two uint32 words. Which word holds the sign/exponent depends
// on the platform's byte order; encode and decode only run in-process.
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

export interface XorChunk {
  /** The encoded bits, one byte per character (latin1). */
  readonly bytes: string;
  readonly count: number;
  readonly minT: number;
  readonly maxT: number;
}

/** Timestamp delta-of-delta buckets: [control bits, control length, payload bits]. */
const DOD_BUCKETS: ReadonlyArray<readonly [number, number, number]> = [
  [0b10, 2, 14],
  [0b110, 3, 17],
  [0b1110, 4, 20],
];

// The same buckets indexed by the number of leading 1-bits, for the decoder's hot loop.
const DOD_BITS = [0, ...DOD_BUCKETS.map((b) => b[2])];
const DOD_HALF = DOD_BITS.map((b) => 2 ** (b - 1));
const DOD_FULL = DOD_BITS.map((b) => 2 ** b);

class BitWriter {
  bitLen = 0;
  constructor(public buf: Uint8Array) {}

  /** Writes the low n bits (n <= 32) of an unsigned value, most significant first. */
  write(value: number, n: number): void {
    while (n > 0) {
      const byteIdx = this.bitLen >>> 3;
      if (byteIdx >= this.buf.length) {
        const bigger = new Uint8Array(this.buf.length * 2 + 16);
        bigger.set(this.buf);
        this.buf = bigger;
      }
      const free = 8 - (this.bitLen & 7);
      const take = n < free ? n : free;
      const bits = (value >>> (n - take)) & ((1 << take) - 1);
      this.buf[byteIdx] |= bits << (free - take);
      n -= take;
      this.bitLen += take;
    }
  }

  writeFloat(x: number): void {
    f64[0] = x;
    const hi = u32[HI];
    const lo = u32[LO];
    this.write(hi, 32);
    this.write(lo, 32);
  }
}

/**
 * Reads n bits (0..32) at bit position p of a latin1 string as an unsigned
 * number, from a 32-bit window (plus one byte when the bits straddle it);
 * encoded chunks carry padding so this never reads past the end.
 */
function readBits(s: string, p: number, n: number): number {
  if (n === 0) return 0;
  const b = p >>> 3;
  const off = p & 7;
  const w = ((s.charCodeAt(b) << 24) | (s.charCodeAt(b + 1) << 16) | (s.charCodeAt(b + 2) << 8) | s.charCodeAt(b + 3)) >>> 0;
  if (off + n <= 32) return ((w << off) >>> 0) >>> (32 - n);
  const r = 32 - off;
  const rest = n - r;
  return ((w & ((1 << r) - 1)) >>> 0) * (1 << rest) + ((s.charCodeAt(b + 4) | 0) >>> (8 - rest));
}

function readFloatAt(s: string, p: number): number {
  u32[HI] = readBits(s, p, 32);
  u32[LO] = readBits(s, p + 32, 32);
  return f64[0];
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function maskBits(value: number, n: number): number {
  return n >= 32 ? value >>> 0 : (value & ((1 << n) - 1)) >>> 0;
}

/** Writes bits [trailing, 64 - leading) of the 64-bit word (hi, lo), most significant first. */
function writeMeaningful(w: BitWriter, hi: number, lo: number, leading: number, trailing: number): void {
  const hiFrom = trailing > 32 ? trailing - 32 : 0;
  const hiBits = 32 - leading - hiFrom;
  if (hiBits > 0) w.write(maskBits(hi >>> hiFrom, hiBits), hiBits);
  if (trailing < 32) {
    const loTo = 64 - leading < 32 ? 64 - leading : 32;
    const loBits = loTo - trailing;
    w.write(maskBits(lo >>> trailing, loBits), loBits);
  }
}

let scratch: Uint8Array = new Uint8Array(4096);

/** Compresses n samples (timestamps ascending). */
export function encodeChunk(t: ArrayLike<number>, v: ArrayLike<number>, n: number): XorChunk {
  if (n === 0) throw new Error('encodeChunk: a chunk needs at least one sample');
  const worstCase = 16 + n * 20 + 8;
  if (scratch.length < worstCase) scratch = new Uint8Array(worstCase);
  scratch.fill(0, 0, worstCase);
  const w = new BitWriter(scratch);
  w.writeFloat(t[0]);
  w.writeFloat(v[0]);
  f64[0] = v[0];
  let prevHi = u32[HI];
  let prevLo = u32[LO];
  let prevT = t[0];
  let prevDelta = 0;
  let prevLeading = -1;
  let prevTrailing = 0;
  for (let i = 1; i < n; i++) {
    const delta = t[i] - prevT;
    const dod = delta - prevDelta;
    prevT = t[i];
    prevDelta = delta;
    if (dod === 0) {
      w.write(0, 1);
    } else {
      let written = false;
      if (Number.isInteger(dod)) {
        for (let k = 0; k < DOD_BUCKETS.length; k++) {
          const [ctl, ctlLen, bits] = DOD_BUCKETS[k];
          const half = DOD_HALF[k + 1];
          if (dod >= -half && dod < half) {
            w.write(ctl, ctlLen);
            w.write(maskBits(dod, bits), bits);
            written = true;
            break;
          }
        }
      }
      if (!written) {
        w.write(0b1111, 4);
        w.writeFloat(dod);
      }
    }

    f64[0] = v[i];
    const hi = u32[HI];
    const lo = u32[LO];
    const xh = (hi ^ prevHi) >>> 0;
    const xl = (lo ^ prevLo) >>> 0;
    prevHi = hi;
    prevLo = lo;
    if (xh === 0 && xl === 0) {
      w.write(0, 1);
      continue;
    }
    let leading = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    const trailing = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
    if (leading > 31) leading = 31;
    if (prevLeading >= 0 && leading >= prevLeading && trailing >= prevTrailing) {
      w.write(0b10, 2);
      writeMeaningful(w, xh, xl, prevLeading, prevTrailing);
    } else {
      const sig = 64 - leading - trailing;
      w.write(0b11, 2);
      w.write(leading, 5);
      w.write(sig & 63, 6);
      writeMeaningful(w, xh, xl, leading, trailing);
      prevLeading = leading;
      prevTrailing = trailing;
    }
  }
  // Five zero bytes of padding: the reader's 40-bit window never reads past the end (which would deoptimize it).
  const bytes = Buffer.from(w.buf.buffer, w.buf.byteOffset, ((w.bitLen + 7) >>> 3) + 5).toString('latin1');
  if (w.buf !== scratch) scratch = w.buf;
  return { bytes, count: n, minT: t[0], maxT: t[n - 1] };
}

/** Decodes every sample of a chunk into outT/outV starting at offset; returns the offset after the last one. */
export function decodeChunkInto(chunk: XorChunk, outT: Float64Array, outV: Float64Array, offset: number): number {
  const s = chunk.bytes;
  let p = 0;
  let t = readFloatAt(s, p);
  outT[offset] = t;
  outV[offset] = readFloatAt(s, p + 64);
  p += 128;
  f64[0] = outV[offset];
  let hi = u32[HI];
  let lo = u32[LO];
  let o = offset + 1;
  let delta = 0;
  let leading = 0;
  let trailing = 0;
  for (let i = 1; i < chunk.count; i++, o++) {
    // Timestamp: up to four 1-bits select the delta-of-delta bucket.
    let ones = 0;
    while (ones < 4 && ((s.charCodeAt(p >>> 3) >>> (7 - (p & 7))) & 1) === 1) {
      ones++;
      p++;
    }
    if (ones < 4) p++; // the terminating 0-bit
    if (ones === 4) {
      delta += readFloatAt(s, p);
      p += 64;
    } else if (ones > 0) {
      const bits = DOD_BITS[ones];
      const dod = readBits(s, p, bits);
      p += bits;
      delta += dod >= DOD_HALF[ones] ? dod - DOD_FULL[ones] : dod;
    }
    t += delta;
    outT[o] = t;

    // Value: 0 = same as before; 10 = XOR within the previous window; 11 = new window.
    if (((s.charCodeAt(p >>> 3) >>> (7 - (p & 7))) & 1) === 1) {
      p++;
      const newWindow = ((s.charCodeAt(p >>> 3) >>> (7 - (p & 7))) & 1) === 1;
      p++;
      if (newWindow) {
        leading = readBits(s, p, 5);
        const sig = readBits(s, p + 5, 6);
        p += 11;
        trailing = 64 - leading - (sig === 0 ? 64 : sig);
      }
      const hiFrom = trailing > 32 ? trailing - 32 : 0;
      const hiBits = 32 - leading - hiFrom;
      let xh = 0;
      let xl = 0;
      if (hiBits > 0) {
        xh = (readBits(s, p, hiBits) << hiFrom) >>> 0;
        p += hiBits;
      }
      if (trailing < 32) {
        const loTo = 64 - leading < 32 ? 64 - leading : 32;
        const val = readBits(s, p, loTo - trailing);
        p += loTo - trailing;
        xl = trailing === 0 ? val >>> 0 : (val << trailing) >>> 0;
      }
      hi = (hi ^ xh) >>> 0;
      lo = (lo ^ xl) >>> 0;
      u32[HI] = hi;
      u32[LO] = lo;
      outV[o] = f64[0];
    } else {
      p++;
      outV[o] = outV[o - 1];
    }
  }
  return o;
}
