/**
 * Reading an OTLP/HTTP request body: Content-Type and Content-Encoding
 * negotiation, and streaming decompression with a size limit.
 *
 * The limit is enforced on the wire bytes and again on the decompressed
 * bytes WHILE inflating: a 1 MiB gzip bomb that expands to 1 GiB is stopped
 * after max_request_body_size bytes of output, never inflated in full.
 */
import zlib from 'node:zlib';
import type { IncomingMessage } from 'node:http';

export type BodyEncoding = 'proto' | 'json';
export type ContentCoding = 'identity' | 'gzip' | 'deflate';

/** A request problem with the HTTP status to answer and a message safe to send back. */
export class RequestError extends Error {
  constructor(readonly status: 400 | 404 | 405 | 413 | 415, message: string) {
    super(message);
    this.name = 'RequestError';
  }
}

export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';
export const JSON_CONTENT_TYPE = 'application/json';

/** The OTLP encoding for a Content-Type header, or undefined for anything else (415). */
export function encodingOfContentType(header: string | undefined): BodyEncoding | undefined {
  if (!header) return undefined;
  // Parameters (charset=utf-8, ...) do not change the encoding; media types are case-insensitive.
  const semi = header.indexOf(';');
  const media = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
  if (media === PROTOBUF_CONTENT_TYPE) return 'proto';
  if (media === JSON_CONTENT_TYPE) return 'json';
  return undefined;
}

/**
 * The single content coding a Content-Encoding header asks for. `identity`
 * entries are ignored ("gzip, identity" is gzip); anything unknown, or two
 * stacked compressions, is refused with 415 naming what is supported.
 */
export function contentCodingOf(header: string | undefined): ContentCoding {
  if (!header) return 'identity';
  const codings = header.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c && c !== 'identity');
  if (codings.length === 0) return 'identity';
  if (codings.length > 1) {
    throw new RequestError(415, `unsupported Content-Encoding ${JSON.stringify(header)}: only one compression may be applied (supported: gzip, deflate, identity)`);
  }
  const c = codings[0];
  if (c === 'gzip' || c === 'x-gzip') return 'gzip';
  if (c === 'deflate') return 'deflate';
  throw new RequestError(415, `unsupported Content-Encoding ${JSON.stringify(header)} (supported: gzip, deflate, identity)`);
}

/** Larger output chunks mean fewer zlib round trips per request; 64 KiB keeps the limit check fine-grained. */
const INFLATE_CHUNK = 64 * 1024;

function tooLarge(what: string, limit: number): RequestError {
  return new RequestError(413, `${what} exceeds max_request_body_size (${limit} bytes); send smaller batches or raise receivers.otlp.http.max_request_body_size`);
}

/**
 * Reads the whole body, decompressing `coding` on the fly, failing with a
 * RequestError (400 corrupt compression or aborted upload, 413 too large).
 * On failure the rest of the upload is read and discarded, so the client
 * gets to read our answer and the connection stays usable.
 */
export function readBody(req: IncomingMessage, coding: ContentCoding, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const inflater = coding === 'identity' ? undefined
      : coding === 'gzip' ? zlib.createGunzip({ chunkSize: INFLATE_CHUNK })
        : zlib.createInflate({ chunkSize: INFLATE_CHUNK });

    const detach = () => {
      req.off('data', onWire);
      req.off('end', onWireEnd);
      req.off('error', onWireError);
      req.off('aborted', onAborted);
      if (inflater) {
        inflater.off('data', onPlain);
        inflater.off('end', finish);
        inflater.off('error', onInflateError);
        inflater.off('drain', onDrain);
      }
    };
    const fail = (err: RequestError) => {
      if (settled) return;
      settled = true;
      detach();
      inflater?.on('error', () => undefined).destroy();
      chunks.length = 0;
      // Discard what is still coming so the response can be read and the connection reused.
      if (!req.complete && !req.destroyed) req.resume();
      reject(err);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      detach();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onPlain = (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        fail(tooLarge(inflater ? `the decompressed request body (more than ${size} bytes so far)` : `the request body (more than ${size} bytes so far)`, limit));
        return;
      }
      chunks.push(chunk);
    };
    let wire = 0;
    const onWire = (chunk: Buffer) => {
      if (settled) return;
      if (!inflater) {
        onPlain(chunk);
        return;
      }
      wire += chunk.length;
      if (wire > limit) {
        fail(tooLarge(`the compressed request body (more than ${wire} bytes so far)`, limit));
        return;
      }
      // Back-pressure: stop reading the socket while zlib catches up.
      if (!inflater.write(chunk)) req.pause();
    };
    const onDrain = () => {
      if (!settled) req.resume();
    };
    const onWireEnd = () => {
      if (settled) return;
      if (inflater) inflater.end();
      else finish();
    };
    const onWireError = (err: Error) => fail(new RequestError(400, `failed to read the request body: ${err.message}`));
    const onAborted = () => fail(new RequestError(400, 'the client aborted the upload before the body was complete'));
    const onInflateError = (err: Error) => fail(new RequestError(400, `invalid ${coding} request body: ${err.message}`));

    if (Number.isFinite(declared) && declared > limit) {
      // Known up front: do not even start reading (nor inflating) it.
      fail(tooLarge(`the request body (Content-Length ${declared})`, limit));
      return;
    }
    if (inflater) {
      inflater.on('data', onPlain);
      inflater.on('end', finish);
      inflater.on('error', onInflateError);
      inflater.on('drain', onDrain);
    }
    req.on('data', onWire);
    req.on('end', onWireEnd);
    req.on('error', onWireError);
    req.on('aborted', onAborted);
  });
}
