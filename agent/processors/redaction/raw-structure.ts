/**
 * The structural half of the raw pre-scan (raw-prescan.ts): walks a
 * request's protobuf bytes along the OTLP schema without decoding it, and
 * answers whether any attribute key could be blocked, any string value is
 * longer than max_value_length, or holds a card number. These need field
 * boundaries (a blocked key must END the key; a long value is one field;
 * card numbers are made of bytes too common to search for, so each string
 * is sampled), which no search over the whole buffer gives.
 *
 * The walk reads only tags and lengths (a few thousand per request), and
 * reports "maybe" for anything a strict reading of the wire format does not
 * expect (a known field with an unexpected wire type, a length past its
 * message, groups, over-long varints, too deep a nesting). On every input it
 * accepts, protobufjs' decoder (agent/otlp/codec.ts; strict since 7.x: a
 * sub-message must end exactly at its length) reads the same fields at the
 * same offsets, so every key and string the redaction walk will see is seen
 * here; on the others the processor simply walks the decoded request.
 */
import type protobuf from 'protobufjs';
import { requestType } from '../../otlp/root';
import type { Signal } from '../../otlp/model';
import { cardIn } from './raw-triggers';

/** How a field's bytes are read. */
const enum Kind {
  Unknown = 0,
  Message = 1,
  /** KeyValue.key: checked against the key rules. */
  Key = 2,
  /** Any other string: checked against max_value_length. */
  Text = 3,
  Bytes = 4,
  /** int32, uint32, sint32, enum, bool: protobufjs reads 5 bytes, or 10 for a negative int32. */
  Varint32 = 5,
  Varint64 = 6,
  Fixed64 = 7,
  Fixed32 = 8,
  /** Not expected in OTLP (map fields): the scan gives up. */
  Opaque = 9,
}

interface Table {
  /** KeyValue: tried first as the SDKs lay it out (plainKeyValue). */
  keyValue: boolean;
  kinds: Uint8Array;
  repeated: Uint8Array;
  children: Table[];
}

const VARINT32 = new Set(['int32', 'uint32', 'sint32', 'bool']);
const VARINT64 = new Set(['int64', 'uint64', 'sint64']);
const FIXED64 = new Set(['fixed64', 'sfixed64', 'double']);
const FIXED32 = new Set(['fixed32', 'sfixed32', 'float']);
const KEY_VALUE = 'opentelemetry.proto.common.v1.KeyValue';

function kindOf(type: protobuf.Type, field: protobuf.Field): Kind {
  if (field.map) return Kind.Opaque;
  const resolved = field.resolve().resolvedType;
  if (resolved && 'fields' in resolved) return Kind.Message;
  if (resolved) return Kind.Varint32; // an enum
  if (field.type === 'string') return type.fullName.slice(1) === KEY_VALUE && field.id === 1 ? Kind.Key : Kind.Text;
  if (field.type === 'bytes') return Kind.Bytes;
  if (VARINT32.has(field.type)) return Kind.Varint32;
  if (VARINT64.has(field.type)) return Kind.Varint64;
  if (FIXED64.has(field.type)) return Kind.Fixed64;
  if (FIXED32.has(field.type)) return Kind.Fixed32;
  return Kind.Opaque;
}

/** Field kinds by number, per message type (recursive types share their table). */
function buildTable(type: protobuf.Type, built: Map<protobuf.Type, Table>): Table {
  let t = built.get(type);
  if (t) return t;
  const maxId = Math.max(0, ...type.fieldsArray.map((f) => f.id));
  t = { keyValue: type.fullName.slice(1) === KEY_VALUE, kinds: new Uint8Array(maxId + 1), repeated: new Uint8Array(maxId + 1), children: [] };
  built.set(type, t);
  for (const f of type.fieldsArray) {
    t.kinds[f.id] = kindOf(type, f);
    t.repeated[f.id] = f.repeated ? 1 : 0;
    if (t.kinds[f.id] === Kind.Message) t.children[f.id] = buildTable(f.resolvedType as protobuf.Type, built);
  }
  return t;
}

let tables: Record<Signal, Table> | undefined;

function requestTables(): Record<Signal, Table> {
  if (!tables) {
    const built = new Map<protobuf.Type, Table>();
    tables = {
      traces: buildTable(requestType('traces'), built),
      metrics: buildTable(requestType('metrics'), built),
      logs: buildTable(requestType('logs'), built),
    };
  }
  return tables;
}

/** Nesting the scan follows (protobufjs' own limit is 100; real requests nest under 10, kvlists a little more). */
export const MAX_SCAN_DEPTH = 64;

/** Whether a key (the bytes `buf[start, end)`) may be blocked by the key rules. */
export interface KeyCheck {
  /**
   * (second-to-last byte * 256 + last byte) -> 1 when a blocked key can end
   * so; other keys are not looked at further. Absent: every key is.
   */
  pairs?: Uint8Array;
  /** The decision for a key the pairs let through. */
  exact(buf: Uint8Array, start: number, end: number): boolean;
}

/** Reads a tag or length at `pos` of `b` (at most 5 bytes, below 2^31): the value, with the position after it in `next[0]`; -1 when invalid. */
function uint32(b: Uint8Array, pos: number, end: number, next: Int32Array): number {
  let v = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) return -1;
    const c = b[pos++];
    v += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) {
      next[0] = pos;
      return v < 0x80000000 ? v : -1;
    }
  }
  return -1;
}

/** The position after a scalar varint at `pos`, or -1 when protobufjs would not read it to the same end. */
function skipVarint(b: Uint8Array, pos: number, end: number, kind: Kind): number {
  const start = pos;
  while (pos < end && pos - start < 10 && b[pos] >= 0x80) pos++;
  if (pos >= end || b[pos] >= 0x80) return -1;
  pos++;
  // protobufjs reads a 32-bit varint as 5 bytes, then skips 5 more if the 5th continues.
  const n = pos - start;
  return kind === Kind.Varint32 && n > 5 && n !== 10 ? -1 : pos;
}

/** The position after a scalar or unknown field's value, or -1 when its wire type is not the one expected. */
function skipScalar(b: Uint8Array, pos: number, end: number, kind: Kind, wire: number, repeated: boolean, next: Int32Array): number {
  const expected = kind === Kind.Varint32 || kind === Kind.Varint64 ? 0 : kind === Kind.Fixed64 ? 1 : kind === Kind.Fixed32 ? 5 : -1;
  if (kind !== Kind.Unknown && wire !== expected && !(repeated && wire === 2)) return -1;
  switch (wire) {
    case 0:
      return skipVarint(b, pos, end, kind === Kind.Unknown ? Kind.Varint64 : kind);
    case 1:
      return pos + 8 <= end ? pos + 8 : -1;
    case 5:
      return pos + 4 <= end ? pos + 4 : -1;
    case 2: {
      // A packed repeated scalar, or an unknown length-delimited field (the decoder drops it).
      const len = uint32(b, pos, end, next);
      return len >= 0 && next[0] + len <= end ? next[0] + len : -1;
    }
    default:
      // Groups (3, 4) and invalid wire types: not worth reading here.
      return -1;
  }
}

export class RawStructureScan {
  /** The position after the last varint read (an out-parameter, so the hot loop allocates nothing). */
  private readonly next = new Int32Array(1);

  constructor(
    private readonly keys: KeyCheck,
    /** String fields longer than this many bytes may be truncated (a string has at most as many UTF-16 units as UTF-8 bytes). */
    private readonly maxTextBytes: number,
    /** Look for card numbers in each string field (the credit_card pattern is on). */
    private readonly cards: boolean,
  ) {}

  /** True when a key may be blocked, a string may be truncated, or the bytes are not read the way the decoder reads them. */
  suspicious(signal: Signal, buf: Uint8Array): boolean {
    return this.message(requestTables()[signal], buf, 0, buf.length, 0) !== buf.length;
  }

  private keyMayBlock(b: Uint8Array, start: number, end: number): boolean {
    const pairs = this.keys.pairs;
    if (pairs !== undefined && end - start >= 2 && pairs[b[end - 2] * 256 + b[end - 1]] !== 1) return false;
    return end > start && this.keys.exact(b, start, end);
  }

  /**
   * A KeyValue as the SDKs write it, `0A len key 12 len [0A len string]`
   * with one-byte lengths: 1 when clean, -1 when its key may be blocked,
   * 0 when laid out otherwise (the general loop reads it). Most attributes
   * are read here, without the loop's table lookups and recursion.
   */
  private plainKeyValue(b: Uint8Array, pos: number, stop: number): number {
    const keyLen = b[pos + 1];
    const keyEnd = pos + 2 + keyLen;
    if (b[pos] !== 0x0a || keyLen >= 0x80 || keyEnd + 2 > stop || b[keyEnd] !== 0x12) return 0;
    const value = keyEnd + 2;
    const valueLen = b[keyEnd + 1];
    if (valueLen >= 0x80 || value + valueLen !== stop || valueLen < 2 || b[value] !== 0x0a || b[value + 1] >= 0x80) return 0;
    if (value + 2 + b[value + 1] !== stop || b[value + 1] > this.maxTextBytes) return 0;
    if (this.cards && b[value + 1] >= 13 && cardIn(b, value + 2, stop)) return -1;
    return this.keyMayBlock(b, pos + 2, keyEnd) ? -1 : 1;
  }

  /** Walks the message in `b[pos, end)`: `end`, or -1 when something was found. */
  private message(t: Table, b: Uint8Array, pos: number, end: number, depth: number): number {
    const kinds = t.kinds;
    const next = this.next;
    while (pos < end) {
      let tag = b[pos];
      if (tag < 0x80) pos++;
      else {
        tag = uint32(b, pos, end, next);
        if (tag < 0) return -1;
        pos = next[0];
      }
      const id = tag >>> 3;
      const kind: Kind = id < kinds.length ? kinds[id] : Kind.Unknown;
      if (kind === Kind.Message || kind === Kind.Key || kind === Kind.Text || kind === Kind.Bytes) {
        if ((tag & 7) !== 2) return -1;
        let len = b[pos];
        if (len < 0x80 && pos < end) pos++;
        else if (b[pos + 1] < 0x80 && pos + 1 < end) {
          len = (len & 0x7f) | (b[pos + 1] << 7);
          pos += 2;
        } else {
          len = uint32(b, pos, end, next);
          if (len < 0) return -1;
          pos = next[0];
        }
        const stop = pos + len;
        if (stop > end) return -1;
        if (kind === Kind.Message) {
          const child = t.children[id];
          if (child.keyValue) {
            const plain = this.plainKeyValue(b, pos, stop);
            if (plain < 0) return -1;
            if (plain > 0) {
              pos = stop;
              continue;
            }
          }
          // Most sub-messages that hold strings hold just one (an AnyValue's string_value): read it here.
          const inner = b[pos + 1];
          if ((b[pos] & 7) === 2 && inner < 0x80 && pos + 2 + inner === stop && (b[pos] >>> 3) < child.kinds.length && b[pos] < 0x80) {
            const k: Kind = child.kinds[b[pos] >>> 3];
            if (k === Kind.Text) {
              if (inner > this.maxTextBytes || (this.cards && inner >= 13 && cardIn(b, pos + 2, stop))) return -1;
              pos = stop;
              continue;
            }
            if (k === Kind.Bytes) {
              pos = stop;
              continue;
            }
          }
          if (depth >= MAX_SCAN_DEPTH || this.message(child, b, pos, stop, depth + 1) !== stop) return -1;
        } else if (kind === Kind.Key) {
          if (this.keyMayBlock(b, pos, stop)) return -1;
        } else if (kind === Kind.Text && (len > this.maxTextBytes || (this.cards && len >= 13 && cardIn(b, pos, stop)))) {
          return -1;
        }
        pos = stop;
      } else if (kind === Kind.Opaque) {
        return -1;
      } else {
        pos = skipScalar(b, pos, end, kind, tag & 7, t.repeated[id] === 1, next);
        if (pos < 0) return -1;
      }
    }
    return pos === end ? end : -1;
  }
}
