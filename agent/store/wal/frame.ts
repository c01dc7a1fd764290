/**
 * Framing shared by the store's WAL segments and checkpoints: each record is
 *
 *   length u32 LE | CRC-32 (zlib) of the body u32 LE | body (length bytes)
 *
 * and a reader stops at the first record that is cut short or fails its
 * checksum: everything before it is trusted, nothing after it.
 */
import zlib from 'node:zlib';

export const FRAME_HEADER = 8;
/** Far above any record the writer builds; a larger length is corruption. */
const MAX_RECORD = 256 << 20;

export function frame(body: Uint8Array): Buffer {
  const h = Buffer.allocUnsafe(FRAME_HEADER);
  h.writeUInt32LE(body.byteLength, 0);
  h.writeUInt32LE(zlib.crc32(body), 4);
  return h;
}

export function* readFrames(buf: Buffer, start = 0): Generator<Buffer, { goodBytes: number; problem?: string }> {
  let off = start;
  while (off < buf.length) {
    if (buf.length - off < FRAME_HEADER) return { goodBytes: off, problem: `truncated record header at byte ${off}` };
    const len = buf.readUInt32LE(off);
    if (len > MAX_RECORD || off + FRAME_HEADER + len > buf.length) return { goodBytes: off, problem: `truncated record at byte ${off}` };
    const body = buf.subarray(off + FRAME_HEADER, off + FRAME_HEADER + len);
    if (zlib.crc32(body) !== buf.readUInt32LE(off + 4)) return { goodBytes: off, problem: `checksum mismatch at byte ${off}` };
    yield body;
    off += FRAME_HEADER + len;
  }
  return { goodBytes: off };
}

/** A growable little-endian byte writer (records are built in one buffer, no per-field allocation). */
export class ByteWriter {
  buf: Buffer;
  len = 0;

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  u8(v: number): void { this.room(1); this.buf[this.len++] = v; }
  u32(v: number): void { this.room(4); this.buf.writeUInt32LE(v, this.len); this.len += 4; }
  f64(v: number): void { this.room(8); this.buf.writeDoubleLE(v, this.len); this.len += 8; }
  str(s: string): void {
    const n = Buffer.byteLength(s);
    this.u32(n);
    this.room(n);
    this.buf.write(s, this.len, 'utf8');
    this.len += n;
  }
  latin1(s: string): void {
    this.u32(s.length);
    this.room(s.length);
    this.buf.write(s, this.len, 'latin1');
    this.len += s.length;
  }
  f64s(a: ArrayLike<number>): void {
    this.u32(a.length);
    this.room(8 * a.length);
    for (let i = 0; i < a.length; i++, this.len += 8) this.buf.writeDoubleLE(a[i], this.len);
  }

  /** The bytes written so far, copied out; the writer is emptied. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    return out;
  }
}

export class ByteReader {
  off = 0;
  constructor(readonly buf: Buffer) {}

  get done(): boolean { return this.off >= this.buf.length; }
  u8(): number { return this.buf[this.off++]; }
  u32(): number { const v = this.buf.readUInt32LE(this.off); this.off += 4; return v; }
  f64(): number { const v = this.buf.readDoubleLE(this.off); this.off += 8; return v; }
  str(): string { const n = this.u32(); const s = this.buf.toString('utf8', this.off, this.off + n); this.off += n; return s; }
  latin1(): string { const n = this.u32(); const s = this.buf.toString('latin1', this.off, this.off + n); this.off += n; return s; }
  /** Float64s written little-endian, copied in one go (callers check the platform's byte order). */
  f64s(): Float64Array {
    const n = this.u32();
    const a = new Float64Array(n);
    new Uint8Array(a.buffer).set(this.buf.subarray(this.off, this.off + 8 * n));
    this.off += 8 * n;
    return a;
  }
}
