/**
 * One batch's HTTP body and headers, built once and reused by every retry:
 * protobuf or OTLP/JSON, gzip-compressed or not.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { encodeJsonRequest, encodeProtoRequest, toOtlpJsonObject } from '../../otlp/codec';
import type { Signal, SignalData } from '../../otlp/model';
import { DEFAULT_GZIP_LEVEL, type OtlpExporterConfig } from './config';
import { RESOURCES_FIELD } from '../../processors/batch/merge';

// Async gzip runs on libuv's thread pool, off the event loop that serves the receiver.
const gzipAsync = promisify(zlib.gzip);

/** What encoding a body needs from the exporter's config (compression_params absent: the default level). */
export type BodyConfig = Pick<OtlpExporterConfig, 'encoding' | 'compression'> & Partial<Pick<OtlpExporterConfig, 'compression_params'>>;

/**
 * The chunks as one buffer: a view when they lie back to back in one
 * ArrayBuffer (a durable queue reads a batch into one), else a copy.
 */
export function joined(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length <= 1) return chunks[0] ?? new Uint8Array(0);
  const first = chunks[0];
  let end = first.byteOffset + first.byteLength;
  for (let i = 1; i < chunks.length; i++) {
    const c = chunks[i];
    if (c.buffer !== first.buffer || c.byteOffset !== end) return Buffer.concat(chunks);
    end += c.byteLength;
  }
  return new Uint8Array(first.buffer, first.byteOffset, end - first.byteOffset);
}

function gzip(chunks: readonly Uint8Array[], config: BodyConfig): Promise<Buffer> {
  return gzipAsync(joined(chunks), {
    level: config.compression_params?.level ?? DEFAULT_GZIP_LEVEL,
    // Fewer round trips between the thread pool and the event loop for multi-MiB batches.
    chunkSize: 64 * 1024,
  });
}

export interface EncodedRequest {
  /** The body as chunks written to the socket in order (no copy into one buffer). */
  body: readonly Uint8Array[];
  headers: Record<string, string>;
}

/** Total body size in bytes. */
export function bodyLength(body: readonly Uint8Array[]): number {
  let n = 0;
  for (const c of body) n += c.byteLength;
  return n;
}

/** The fixed request headers: the configured ones, then the encoding's (which must not be overridden). */
export function requestHeaders(config: Pick<OtlpExporterConfig, 'encoding' | 'compression' | 'headers'>): Record<string, string> {
  const headers: Record<string, string> = {};
  const fixed = new Set(['content-type', 'content-encoding', 'content-length']);
  for (const [k, v] of Object.entries(config.headers)) if (!fixed.has(k.toLowerCase())) headers[k] = v;
  headers['content-type'] = config.encoding === 'json' ? 'application/json' : 'application/x-protobuf';
  if (config.compression === 'gzip') headers['content-encoding'] = 'gzip';
  return headers;
}

/**
 * The body for a batch of requests of one signal. Each request is encoded on
 * its own and the results are joined: protobuf defines concatenated messages
 * as merged ones (repeated fields append), and in JSON the resource arrays
 * are joined. Encoding one merged message instead is several times slower:
 * protobufjs' writer keeps an object per field until finish(), and for
 * thousands of spans those outlive the young generation and cost full GCs.
 */
export async function encodeBody<S extends Signal>(
  signal: S, requests: readonly SignalData[S][], config: BodyConfig,
): Promise<Uint8Array[]> {
  const chunks = config.encoding === 'json' ? [Buffer.from(joinJson(signal, requests))] : requests.map((r) => encodeProtoRequest(signal, r));
  if (config.compression !== 'gzip') return chunks;
  return [await gzip(chunks, config)];
}

/** A queued request: decoded, and possibly already encoded as protobuf (the durable queue stores bytes). */
export interface RequestPayload<S extends Signal = Signal> {
  readonly data: SignalData[S];
  readonly encoded?: Uint8Array;
}

/**
 * The body for queued requests: protobuf bytes a durable queue stored are
 * sent as they are (never decoded); anything else goes through encodeBody.
 */
export async function encodePayloads<S extends Signal>(
  signal: S, payloads: readonly RequestPayload<S>[], config: BodyConfig,
): Promise<Uint8Array[]> {
  if (config.encoding !== 'proto' || !payloads.every((p) => p.encoded)) return encodeBody(signal, payloads.map((p) => p.data), config);
  const chunks = payloads.map((p) => p.encoded!);
  if (config.compression !== 'gzip') return chunks;
  return [await gzip(chunks, config)];
}

function joinJson<S extends Signal>(signal: S, requests: readonly SignalData[S][]): string {
  if (requests.length === 1) return encodeJsonRequest(signal, requests[0]);
  const field = RESOURCES_FIELD[signal];
  const parts: string[] = [];
  for (const r of requests) {
    const resources = toOtlpJsonObject(signal, r)[field] as unknown[] | undefined;
    if (resources?.length) parts.push(JSON.stringify(resources).slice(1, -1));
  }
  return `{"${field}":[${parts.join(',')}]}`;
}
