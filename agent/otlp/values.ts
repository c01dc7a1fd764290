/**
 * Reading values out of decoded OTLP objects: 64-bit integers, attributes,
 * ids. Kept allocation-light because connectors call these per span/point.
 */
import type { AnyValue, Int64, KeyValue } from './model';

/** A 64-bit protobuf integer (Long or number) as a JS number (exact below 2^53). */
export function int64ToNumber(v: Int64 | null | undefined): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  return v.toNumber();
}

/** A 64-bit protobuf integer as a BigInt, exact for every value. */
export function int64ToBigInt(v: Int64 | null | undefined): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'string') return BigInt(v);
  return BigInt(v.toString());
}

/** 2^32 = HIGH_MILLIS * 1e6 + HIGH_REST: splits a Long's high word so the division stays exact in doubles. */
const HIGH_MILLIS = 4294;
const HIGH_REST = 967_296;

/**
 * Nanoseconds since the epoch to milliseconds (the store's resolution),
 * floored, exact for every 64-bit value. Called per data point and span:
 * a Long is divided through its two 32-bit words (high * 2^32 + low) in
 * doubles, which stay exact because each partial product is below 2^53,
 * instead of through Long.toString() and a BigInt (most of validation's
 * time on a 500-point request).
 */
export function nanosToMillis(v: Int64 | null | undefined): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return Math.floor(v / 1e6);
  if (typeof v === 'string' || typeof v === 'bigint') return Number(BigInt(v) / 1000000n);
  const high = v.unsigned ? v.high >>> 0 : v.high;
  // |high * HIGH_REST + low| < 2^53 and the quotient < 2^32: the double division cannot round across an integer.
  return high * HIGH_MILLIS + Math.floor((high * HIGH_REST + (v.low >>> 0)) / 1e6);
}

/** An AnyValue as a plain JS value (strings, numbers, booleans, arrays, objects, Buffers). */
export function anyValueToJs(v: AnyValue | null | undefined): unknown {
  if (!v) return undefined;
  const kind = v.value ?? firstSetKind(v);
  switch (kind) {
    case 'stringValue': return v.stringValue;
    case 'boolValue': return v.boolValue;
    case 'intValue': return int64ToNumber(v.intValue);
    case 'doubleValue': return v.doubleValue;
    case 'bytesValue': return v.bytesValue;
    case 'arrayValue': return (v.arrayValue?.values ?? []).map(anyValueToJs);
    case 'kvlistValue': {
      const out: Record<string, unknown> = {};
      for (const kv of v.kvlistValue?.values ?? []) out[kv.key] = anyValueToJs(kv.value);
      return out;
    }
    default: return undefined;
  }
}

function firstSetKind(v: AnyValue): string | undefined {
  for (const k of ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] as const) {
    if (Object.prototype.hasOwnProperty.call(v, k) && v[k] !== undefined && v[k] !== null) return k;
  }
  return undefined;
}

/** An AnyValue as a string, the way Prometheus labels and log matchers need it. */
export function anyValueToString(v: AnyValue | null | undefined): string {
  const js = anyValueToJs(v);
  if (js === undefined || js === null) return '';
  if (typeof js === 'string') return js;
  if (js instanceof Uint8Array) return Buffer.from(js).toString('base64');
  if (typeof js === 'object') return JSON.stringify(js);
  return String(js);
}

/** Finds one attribute's value as a string ('' when absent). */
export function attributeString(attrs: KeyValue[] | undefined, key: string): string | undefined {
  if (!attrs) return undefined;
  for (let i = 0; i < attrs.length; i++) {
    if (attrs[i].key === key) return anyValueToString(attrs[i].value);
  }
  return undefined;
}

/** All attributes as a string map (later keys win, as in the SDKs). */
export function attributesToRecord(attrs: KeyValue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!attrs) return out;
  for (const kv of attrs) out[kv.key] = anyValueToString(kv.value);
  return out;
}

export function bytesToHex(b: Uint8Array | undefined | null): string {
  return b && b.length ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex') : '';
}

/** Builds a string KeyValue, for code that synthesises OTLP (alerts as logs, tests). */
export function stringAttr(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}
