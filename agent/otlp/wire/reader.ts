/**
 * A protobuf wire-format reader over one byte buffer: tags, varints, fixed
 * widths and length-delimited regions, read in place (no object per field).
 *
 * It is deliberately STRICTER than protobufjs: whatever protobufjs would
 * read differently or fail on makes it throw WireError, and the caller then
 * takes the full protobufjs decode (which keeps today's answers, 400
 * included). So bytes this reader walks without an error are bytes
 * protobufjs decodes without an error, to the same values. In particular:
 *  - every field must end inside its enclosing message (protobufjs reads a
 *    truncated string short, or runs past a sub-message's end);
 *  - varints that protobufjs reads as 32 bits must be 1-5 bytes (the 5th
 *    below 16) or exactly 10 (a negative int32): protobufjs skips bytes 6-10
 *    blindly;
 *  - field number 0, groups and wire types 6/7 are refused (protobufjs skips
 *    some of them, fails on others).
 */

/** The bytes are not a well-formed message this reader vouches for. */
export class WireError extends Error {
  constructor(message: string, readonly at: number) {
    super(`${message} at offset ${at}`);
    this.name = 'WireError';
  }
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

export class WireReader {
  pos: number;
  /** End of the region being read (a message's end, not necessarily the buffer's). */
  end: number;
  /** The last varint64's high and low 32 bits (hi signed, lo unsigned), as Long.fromBits keeps them. */
  hi = 0;
  lo = 0;

  constructor(readonly buf: Uint8Array, start = 0, end = buf.length) {
    this.pos = start;
    this.end = end;
  }

  /** Reads a tag; returns it (field << 3 | wire type). */
  tag(): number {
    const t = this.uint32();
    if (t >>> 3 === 0) throw new WireError('field number 0', this.pos);
    const wt = t & 7;
    if (wt !== WIRE_VARINT && wt !== WIRE_FIXED64 && wt !== WIRE_LEN && wt !== WIRE_FIXED32) throw new WireError(`wire type ${wt}`, this.pos);
    return t;
  }

  /**
   * A varint read as protobufjs' uint32() reads it (tags, lengths, enums,
   * uint32, bool): its low 32 bits, which is also what protobufjs keeps.
   */
  uint32(): number {
    const start = this.pos;
    this.varint64();
    const n = this.pos - start;
    if (n > 5 && n !== 10) throw new WireError('varint of 6-9 bytes in a 32-bit field', start);
    return this.lo;
  }

  /** A varint of up to 10 bytes into hi/lo. */
  varint64(): void {
    const { buf, end } = this;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) throw new WireError('truncated varint', this.pos);
      const b = buf[this.pos++];
      if (i < 4) lo |= (b & 127) << (i * 7);
      else if (i === 4) {
        lo |= (b & 127) << 28;
        hi |= (b & 127) >> 4;
      } else hi |= (b & 127) << (i * 7 - 32);
      if (b < 128) {
        this.lo = lo >>> 0;
        this.hi = hi | 0;
        return;
      }
    }
    throw new WireError('varint longer than 10 bytes', this.pos);
  }

  /** The end offset of a length-delimited field whose bytes start at `pos` after the call. */
  lengthEnd(): number {
    const len = this.uint32();
    const e = this.pos + len;
    if (e > this.end) throw new WireError(`length ${len} runs past its message`, this.pos);
    return e;
  }

  /** Reads 8 little-endian bytes into hi/lo (fixed64). */
  fixed64(): void {
    if (this.pos + 8 > this.end) throw new WireError('truncated fixed64', this.pos);
    const b = this.buf;
    const p = this.pos;
    this.lo = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
    this.hi = b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24);
    this.pos = p + 8;
  }

  /** Skips the value of a field of wire type `wt`. */
  skip(wt: number): void {
    switch (wt) {
      case WIRE_VARINT: this.varint64(); return;
      case WIRE_FIXED64: this.advance(8); return;
      case WIRE_LEN: this.pos = this.lengthEnd(); return;
      case WIRE_FIXED32: this.advance(4); return;
      default: throw new WireError(`wire type ${wt}`, this.pos);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new WireError('truncated fixed-width field', this.pos);
    this.pos += n;
  }
}

/**
 * A length of one or two varint bytes at `p` (what every SDK writes below
 * 16 KiB): its value, with the position after it in lenEnd[0]; -1 for a
 * longer one, which the fast paths leave to WireReader. It checks nothing
 * else: callers compare the result against their message's end.
 */
export function shortLength(b: Uint8Array, p: number, lenEnd: Int32Array): number {
  const first = b[p];
  if (first < 0x80) { lenEnd[0] = p + 1; return first; }
  const second = b[p + 1];
  if (!(second < 0x80)) return -1;
  lenEnd[0] = p + 2;
  return (first & 0x7f) | (second << 7);
}

/** A known field arrived with another wire type than its declaration's: protobufjs would misread it. */
export function expectWire(t: number, wt: number, r: WireReader): void {
  if ((t & 7) !== wt) throw new WireError(`field ${t >>> 3} with wire type ${t & 7}, want ${wt}`, r.pos);
}

/**
 * The same bytes as a Buffer (no copy): protobufjs decodes a Buffer's strings
 * with Buffer#utf8Slice and a plain Uint8Array's with its own UTF-8 reader,
 * which differ on invalid UTF-8, so both paths must see a Buffer.
 */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
