/**
 * A cursor over the KeyValue attributes of one message in raw protobuf
 * bytes: keys are compared as bytes, and a value is decoded only when the
 * caller asks for it (most attributes are never read by spanmetrics).
 */
import type { AnyValue } from '../model';
import { requestType } from '../root';
import { anyValueToString } from '../values';
import { shortLength, WireReader } from './reader';
import { prefixText, type TextSlicer } from './text';

export class AttributeCursor {
  keyStart = 0;
  keyEnd = 0;
  /** The AnyValue message's bytes; valueStart -1: the KeyValue has no value. */
  valueStart = -1;
  valueEnd = -1;
  private readonly r: WireReader;
  private field = 0;
  private end = 0;
  /** shortLength's out-parameter. */
  private readonly lenEnd = new Int32Array(1);

  constructor(readonly buf: Uint8Array, private readonly text: TextSlicer) {
    this.r = new WireReader(buf);
  }

  /** Iterate the fields numbered `field` (KeyValues) of the message in [start, end). */
  reset(start: number, end: number, field: number): void {
    this.r.pos = start;
    this.r.end = end;
    this.end = end;
    this.field = field;
  }

  /** Moves to the next attribute; false at the end. */
  next(): boolean {
    if (this.nextPlain()) return true;
    const r = this.r;
    while (r.pos < this.end) {
      const t = r.tag();
      if (t >>> 3 !== this.field) { r.skip(t & 7); continue; }
      const kvEnd = r.lengthEnd();
      // A KeyValue's fields: key (1), value (2); the last of each wins, as in protobufjs.
      this.keyStart = this.keyEnd = 0;
      this.valueStart = this.valueEnd = -1;
      r.end = kvEnd;
      while (r.pos < kvEnd) {
        const kt = r.tag();
        const f = kt >>> 3;
        if (f === 1 || f === 2) {
          const e = r.lengthEnd();
          if (f === 1) { this.keyStart = r.pos; this.keyEnd = e; } else { this.valueStart = r.pos; this.valueEnd = e; }
          r.pos = e;
        } else r.skip(kt & 7);
      }
      r.end = this.end;
      return true;
    }
    return false;
  }

  /**
   * The next attribute when it is laid out as every SDK writes it: its tag
   * in one byte, then `0A len key [12 len value]` with lengths of one or two
   * bytes, the value ending the KeyValue. Reads what the loop in next()
   * reads for such bytes (one key, at most one value) without its
   * per-field calls; false (nothing moved) for any other layout, which
   * next() then reads field by field.
   */
  private nextPlain(): boolean {
    const b = this.buf;
    const p = this.r.pos;
    const tag = (this.field << 3) | 2;
    if (p >= this.end || tag >= 0x80 || b[p] !== tag) return false;
    const at = this.lenEnd;
    const kvLen = shortLength(b, p + 1, at);
    const kvEnd = at[0] + kvLen;
    if (kvLen < 0 || kvEnd > this.end || b[at[0]] !== 0x0a) return false;
    const keyLen = shortLength(b, at[0] + 1, at);
    const keyStart = at[0];
    const keyEnd = keyStart + keyLen;
    if (keyLen < 0 || keyEnd > kvEnd) return false;
    let valueStart = -1;
    let valueEnd = -1;
    if (keyEnd < kvEnd) {
      if (b[keyEnd] !== 0x12) return false;
      const len = shortLength(b, keyEnd + 1, at);
      valueStart = at[0];
      valueEnd = valueStart + len;
      if (len < 0 || valueEnd !== kvEnd) return false;
    }
    this.keyStart = keyStart;
    this.keyEnd = keyEnd;
    this.valueStart = valueStart;
    this.valueEnd = valueEnd;
    this.r.pos = kvEnd;
    return true;
  }

  /** The key equals `name` (its UTF-8 bytes). */
  keyIs(name: Uint8Array): boolean {
    const n = name.length;
    if (this.keyEnd - this.keyStart !== n) return false;
    const b = this.buf;
    const s = this.keyStart;
    for (let i = 0; i < n; i++) if (b[s + i] !== name[i]) return false;
    return true;
  }

  key(): string {
    return this.text(this.keyStart, this.keyEnd);
  }

  /**
   * The value as anyValueToString gives it for the decoded attribute. A value
   * holding only string_value fields (the common case) is sliced here; any
   * other kind goes through protobufjs' AnyValue decode, so numbers, bytes,
   * arrays and maps (and odd encodings) read exactly as on the slow path.
   */
  value(keepChars = 0): string {
    if (this.valueStart < 0) return '';
    const r = this.r;
    const saved = r.pos;
    r.pos = this.valueStart;
    r.end = this.valueEnd;
    let s = 0;
    let e = 0;
    let onlyStrings = true;
    while (r.pos < this.valueEnd) {
      const t = r.tag();
      if (t !== ((1 << 3) | 2)) { onlyStrings = false; break; }
      e = r.lengthEnd();
      s = r.pos;
      r.pos = e;
    }
    r.pos = saved;
    r.end = this.end;
    // keepChars: only what a label cut to that many code units keeps (prefixText).
    if (onlyStrings) return prefixText(this.text, s, e, keepChars);
    return anyValueToString(decodeAnyValue(this.buf.subarray(this.valueStart, this.valueEnd)));
  }
}

let anyValueType: ReturnType<typeof requestType> | undefined;

function decodeAnyValue(bytes: Uint8Array): AnyValue {
  anyValueType ??= requestType('traces').root.lookupType('opentelemetry.proto.common.v1.AnyValue');
  return anyValueType.decode(bytes) as unknown as AnyValue;
}
