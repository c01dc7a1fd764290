/**
 * Encoding and decoding of OTLP export requests and responses in both
 * OTLP/HTTP encodings: binary protobuf and OTLP/JSON.
 *
 * OTLP/JSON differs from protobuf's canonical JSON mapping in three ways the
 * specification calls out: trace and span ids are hex strings (any letter
 * case accepted), enums are integers, and keys are lowerCamelCase. We also
 * accept snake_case keys, as protobuf JSON parsers do.
 */
import type protobuf from 'protobufjs';
import type { Signal, SignalData } from './model';
import { requestType, responseType, rpcStatusType } from './root';

/** Raised for a body that cannot be decoded; the message is safe to return to the client. */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
/** The other bytes field of OTLP (AnyValue.bytes_value): base64 in JSON. */
const BASE64_KEYS = new Set(['bytesValue']);

function jsonKind(v: unknown): string {
  return Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function snakeToCamel(key: string): string {
  return key.indexOf('_') < 0 ? key : key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function hexToBytes(hex: string, path: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new OtlpDecodeError(`${path}: invalid hex id ${JSON.stringify(hex.slice(0, 64))}`);
  }
  return Buffer.from(hex, 'hex');
}

/**
 * Rewrites OTLP/JSON into the shape protobufjs' fromObject accepts, in place:
 * the tree is JSON.parse's own, and copying it (the earlier way) doubled the
 * garbage of every OTLP/JSON request. A snake_case key is renamed unless its
 * camelCase twin comes later in the object (the later key wins, as before).
 */
function normaliseJson(value: unknown, path: string): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = normaliseJson(value[i], `${path}[${i}]`);
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const rawKey = keys[i];
    const key = snakeToCamel(rawKey);
    const v = obj[rawKey];
    if (key !== rawKey) {
      delete obj[rawKey];
      if (keys.indexOf(key, i + 1) > i) continue;
    }
    const childPath = path ? `${path}.${key}` : key;
    if (ID_KEYS.has(key) && v !== null) {
      // fromObject would copy any array-like as-is into a bytes field, and ids must be bytes downstream.
      if (typeof v !== 'string') throw new OtlpDecodeError(`${childPath}: expected a hex string, got ${jsonKind(v)}`);
      obj[key] = hexToBytes(v, childPath);
    } else if (BASE64_KEYS.has(key) && v !== null && typeof v !== 'string') {
      throw new OtlpDecodeError(`${childPath}: expected a base64 string, got ${jsonKind(v)}`);
    } else {
      obj[key] = typeof v === 'object' && v !== null ? normaliseJson(v, childPath) : v;
    }
  }
  return obj;
}

export function decodeJsonRequest<S extends Signal>(signal: S, body: Buffer | string): SignalData[S] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (err) {
    throw new OtlpDecodeError(`invalid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new OtlpDecodeError('invalid OTLP/JSON: the body must be a JSON object');
  }
  const type = requestType(signal);
  try {
    return type.fromObject(normaliseJson(parsed, '') as Record<string, unknown>) as unknown as SignalData[S];
  } catch (err) {
    if (err instanceof OtlpDecodeError) throw err;
    throw new OtlpDecodeError(`invalid OTLP/JSON ${type.name}: ${(err as Error).message}`);
  }
}

export function decodeProtoRequest<S extends Signal>(signal: S, body: Uint8Array): SignalData[S] {
  const type = requestType(signal);
  try {
    return type.decode(body) as unknown as SignalData[S];
  } catch (err) {
    throw new OtlpDecodeError(`invalid protobuf ${type.name}: ${(err as Error).message}`);
  }
}

/** Decoded messages pass through; plain objects built in code are converted. */
function asMessage(type: protobuf.Type, data: unknown): protobuf.Message {
  return data instanceof type.ctor ? (data as protobuf.Message) : type.fromObject(data as Record<string, unknown>);
}

export function encodeProtoRequest<S extends Signal>(signal: S, data: SignalData[S]): Uint8Array {
  const type = requestType(signal);
  // fromObject is a no-op copy for decoded messages and converts plain objects.
  return type.encode(asMessage(type, data)).finish();
}

const TO_JSON_OPTIONS = { longs: String, enums: Number, bytes: String, defaults: false, json: true } as const;

/** Converts a protobufjs object tree to OTLP/JSON conventions (hex ids). */
function idsToHex(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = idsToHex(value[i]);
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (ID_KEYS.has(key) && typeof v === 'string') obj[key] = Buffer.from(v, 'base64').toString('hex');
    else if (typeof v === 'object') obj[key] = idsToHex(v);
  }
  return obj;
}

export function toOtlpJsonObject<S extends Signal>(signal: S, data: SignalData[S]): Record<string, unknown> {
  const type = requestType(signal);
  const msg = asMessage(type, data);
  return idsToHex(type.toObject(msg, TO_JSON_OPTIONS)) as Record<string, unknown>;
}

export function encodeJsonRequest<S extends Signal>(signal: S, data: SignalData[S]): string {
  return JSON.stringify(toOtlpJsonObject(signal, data));
}

export interface PartialSuccess { rejected: number; errorMessage: string }

/** The answer to a full success, per signal and encoding: the same bytes every time, so encoded once. */
const FULL_SUCCESS = new Map<string, Buffer>();

/** Builds an Export*ServiceResponse, with partial_success only when something was rejected. */
export function encodeResponse(signal: Signal, encoding: 'proto' | 'json', partial?: PartialSuccess): Buffer {
  if (!partial || (partial.rejected === 0 && !partial.errorMessage)) {
    const key = `${signal}/${encoding}`;
    let body = FULL_SUCCESS.get(key);
    if (!body) FULL_SUCCESS.set(key, (body = encodeResponseBody(signal, encoding)));
    return body;
  }
  return encodeResponseBody(signal, encoding, partial);
}

function encodeResponseBody(signal: Signal, encoding: 'proto' | 'json', partial?: PartialSuccess): Buffer {
  const type = responseType(signal);
  const field = { traces: 'rejectedSpans', metrics: 'rejectedDataPoints', logs: 'rejectedLogRecords' }[signal];
  const obj: Record<string, unknown> = {};
  if (partial && (partial.rejected > 0 || partial.errorMessage)) {
    obj.partialSuccess = { [field]: partial.rejected, errorMessage: partial.errorMessage };
  }
  const msg = type.fromObject(obj);
  if (encoding === 'json') return Buffer.from(JSON.stringify(type.toObject(msg, TO_JSON_OPTIONS)));
  return Buffer.from(type.encode(msg).finish());
}

export function decodeResponse(signal: Signal, encoding: 'proto' | 'json', body: Buffer): PartialSuccess {
  const type = responseType(signal);
  const field = { traces: 'rejectedSpans', metrics: 'rejectedDataPoints', logs: 'rejectedLogRecords' }[signal];
  if (body.length === 0) return { rejected: 0, errorMessage: '' };
  const msg = encoding === 'json' ? type.fromObject(JSON.parse(body.toString('utf8'))) : type.decode(body);
  const obj = type.toObject(msg, { longs: Number, defaults: false }) as { partialSuccess?: Record<string, unknown> };
  const ps = obj.partialSuccess ?? {};
  return { rejected: Number(ps[field] ?? 0), errorMessage: String(ps.errorMessage ?? '') };
}

/** google.rpc.Status body for OTLP/HTTP error responses. */
export function encodeStatus(encoding: 'proto' | 'json', code: number, message: string): Buffer {
  const type = rpcStatusType();
  const msg = type.fromObject({ code, message });
  if (encoding === 'json') return Buffer.from(JSON.stringify(type.toObject(msg, TO_JSON_OPTIONS)));
  return Buffer.from(type.encode(msg).finish());
}

export function decodeStatus(encoding: 'proto' | 'json', body: Buffer): { code: number; message: string } {
  const type = rpcStatusType();
  try {
    const msg = encoding === 'json' ? type.fromObject(JSON.parse(body.toString('utf8'))) : type.decode(body);
    const o = type.toObject(msg, { defaults: true }) as { code: number; message: string };
    return { code: o.code, message: o.message };
  } catch {
    return { code: 0, message: body.toString('utf8').slice(0, 512) };
  }
}
