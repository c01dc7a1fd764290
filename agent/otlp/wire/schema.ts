/**
 * The OTLP messages nested in spans, as the wire reader needs them: per
 * message, per field number, what the field holds. Written from the field
 * numbers in ../schema.ts (the protocol's facts). Fields not listed are
 * unknown to us as to protobufjs, and skipped by both.
 */
import { expectWire, shortLength, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, WireError, type WireReader } from './reader';

/** Field kinds; a number >= 0 is a sub-message (an index into SCHEMAS). */
export const LEN = -1; // string or bytes: any bytes are fine
export const V32 = -2; // varint read as 32 bits (uint32, enum, bool)
export const V64 = -3; // varint read as 64 bits (int64)
export const F64 = -4; // fixed64 or double
export const F32 = -5; // fixed32

export const ANY_VALUE = 0;
export const KEY_VALUE = 1;
const ARRAY_VALUE = 2;
const KEY_VALUE_LIST = 3;
export const RESOURCE = 4;
const ENTITY_REF = 5;
export const SCOPE = 6;
export const EVENT = 7;
export const LINK = 8;
export const STATUS = 9;

// Indexed by field number; holes are unknown fields.
const SCHEMAS: (number | undefined)[][] = [];
SCHEMAS[ANY_VALUE] = [undefined, LEN, V32, V64, F64, ARRAY_VALUE, KEY_VALUE_LIST, LEN];
SCHEMAS[KEY_VALUE] = [undefined, LEN, ANY_VALUE];
SCHEMAS[ARRAY_VALUE] = [undefined, ANY_VALUE];
SCHEMAS[KEY_VALUE_LIST] = [undefined, KEY_VALUE];
SCHEMAS[RESOURCE] = [undefined, KEY_VALUE, V32, ENTITY_REF];
SCHEMAS[ENTITY_REF] = [undefined, LEN, LEN, LEN, LEN];
SCHEMAS[SCOPE] = [undefined, LEN, LEN, KEY_VALUE, V32];
SCHEMAS[EVENT] = [undefined, F64, LEN, KEY_VALUE, V32];
SCHEMAS[LINK] = [undefined, LEN, LEN, LEN, KEY_VALUE, V32, F32];
// Field 1 is reserved: unknown, skipped.
SCHEMAS[STATUS] = [undefined, undefined, LEN, V32];

/**
 * Nesting deeper than this (AnyValue arrays in arrays...) is left to
 * protobufjs; it is far beyond what any SDK sends.
 */
export const MAX_DEPTH = 32;

/** Reads one field's value of the given kind, walking sub-messages to their end. */
export function readField(r: WireReader, t: number, kind: number | undefined, depth: number): void {
  if (kind === undefined) return r.skip(t & 7);
  switch (kind) {
    case LEN: expectWire(t, WIRE_LEN, r); r.pos = r.lengthEnd(); return;
    case V32: expectWire(t, WIRE_VARINT, r); r.uint32(); return;
    case V64: expectWire(t, WIRE_VARINT, r); r.varint64(); return;
    case F64: expectWire(t, WIRE_FIXED64, r); r.skip(WIRE_FIXED64); return;
    case F32: expectWire(t, WIRE_FIXED32, r); r.skip(WIRE_FIXED32); return;
    default: {
      expectWire(t, WIRE_LEN, r);
      const end = r.lengthEnd();
      if (kind === KEY_VALUE && isPlainStringKeyValue(r.buf, r.pos, end)) r.pos = end;
      else walkMessage(r, kind, end, depth + 1);
    }
  }
}

const lenEnd = new Int32Array(1);

/**
 * The KeyValue in b[start, end) is `0A len key 12 len (0A len string)` with
 * lengths of one or two bytes, each field ending exactly where its message
 * does: how every SDK writes a string attribute. Such bytes hold only
 * length-delimited fields of the declared wire types, inside their messages,
 * so protobufjs reads them as the walk would accept them; anything else
 * (other values, other layouts) is walked field by field.
 */
function isPlainStringKeyValue(b: Uint8Array, start: number, end: number): boolean {
  if (b[start] !== 0x0a) return false;
  const keyLen = shortLength(b, start + 1, lenEnd);
  if (keyLen < 0) return false;
  const keyEnd = lenEnd[0] + keyLen;
  if (keyEnd >= end || b[keyEnd] !== 0x12) return false;
  const valueLen = shortLength(b, keyEnd + 1, lenEnd);
  if (valueLen < 0 || lenEnd[0] + valueLen !== end) return false;
  if (valueLen === 0) return true; // an empty AnyValue
  if (b[lenEnd[0]] !== 0x0a) return false;
  const strLen = shortLength(b, lenEnd[0] + 1, lenEnd);
  return strLen >= 0 && lenEnd[0] + strLen === end;
}

/** Walks a message of type `schema` from r.pos to `end`, checking every field; leaves r.pos at `end`. */
export function walkMessage(r: WireReader, schema: number, end: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new WireError('nesting too deep', r.pos);
  const fields = SCHEMAS[schema];
  const outer = r.end;
  r.end = end;
  while (r.pos < end) {
    const t = r.tag();
    readField(r, t, fields[t >>> 3], depth);
  }
  r.end = outer;
}
