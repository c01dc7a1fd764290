/**
 * The OTLP/HTTP front end: a plain node:http server on its own listener
 * (no framework: it serves three exact paths, and express' request and
 * response set-up cost more per request than the lookup), one exact path
 * per signal, answering in the request's encoding as the OTLP
 * specification asks:
 *
 *   200  Export*ServiceResponse (with partial_success when items were dropped)
 *   400  undecodable body (broken JSON, truncated protobuf, corrupt gzip) or PermanentError
 *   404  unknown path            (text/plain)
 *   405  method other than POST  (text/plain, Allow: POST)
 *   413  body over max_request_body_size, compressed or decompressed
 *   415  Content-Type other than application/x-protobuf / application/json (text/plain),
 *        or an unsupported Content-Encoding (google.rpc.Status)
 *   503  pipeline back-pressure or memory limiter (Retry-After, growing while refusals last),
 *        or while shutting down
 *
 * Error bodies are google.rpc.Status in the request's encoding whenever the
 * encoding is known, like the Collector's otlpreceiver.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Signal, SignalData } from '../../otlp/model';
import { decodeJsonRequest, encodeResponse, encodeStatus, OtlpDecodeError } from '../../otlp/codec';
import { decodeProtoRequestLazily } from '../../otlp/lazy';
import { splitEndpoint } from '../../config/endpoint';
import { nextTurn } from '../../component/turns';
import type { OtlpHttpConfig } from './config';
import {
  contentCodingOf, encodingOfContentType, JSON_CONTENT_TYPE, PROTOBUF_CONTENT_TYPE, readBody, RequestError, type BodyEncoding,
} from './body';
import { ConsumerRefusal, type Ingest } from './ingest';
import { grpcCodeForHttpStatus } from './status';
import type { ReceiverTelemetry } from './telemetry';

const CONTENT_TYPE: Record<BodyEncoding, string> = { proto: PROTOBUF_CONTENT_TYPE, json: JSON_CONTENT_TYPE };
const EMPTY_JSON_REQUEST = '{}';

export interface HttpFrontEndDeps {
  config: OtlpHttpConfig;
  ingest: Ingest;
  telemetry: ReceiverTelemetry;
  logger: Logger;
}

export class OtlpHttpServer {
  private server?: http.Server;
  private boundAddress?: string;
  /** Responses not yet finished: shutdown waits for them and marks them Connection: close. */
  private readonly active = new Set<http.ServerResponse>();
  private closing?: Promise<void>;
  private readonly paths: Map<string, Signal>;

  constructor(private readonly deps: HttpFrontEndDeps) {
    const c = deps.config;
    this.paths = new Map<string, Signal>([
      [c.traces_url_path, 'traces'], [c.metrics_url_path, 'metrics'], [c.logs_url_path, 'logs'],
    ]);
  }

  /** host:port actually bound (the real port when the endpoint says :0); undefined until started. */
  get address(): string | undefined {
    return this.boundAddress;
  }

  async start(): Promise<void> {
    // One exact-match lookup: configured paths are taken literally (no pattern syntax), and unknown
    // paths cost one Map miss.
    const server = http.createServer((req, res) => {
      const path = pathOf(req.url ?? '/');
      const signal = this.paths.get(path);
      if (!signal) {
        this.track(res, 'unknown', Date.now());
        sendText(res, 404, `404 page not found: ${path} (OTLP paths: ${[...this.paths.keys()].join(', ')})`);
        return;
      }
      void this.handle(signal, req, res);
    });
    const { host, port } = splitEndpoint(this.deps.config.endpoint);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        reject(new Error(`OTLP/HTTP receiver cannot listen on receivers.otlp.http.endpoint ${this.deps.config.endpoint}: ${err.message}`));
      };
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (err) => this.deps.logger.error({ err }, 'OTLP/HTTP server error'));
    // A broken client connection is that client's problem; never let it surface as an exception.
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (socket.writable && err.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    this.boundAddress = addr.family === 'IPv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`;
  }

  /** Stops accepting, lets in-flight requests finish and answer, then closes every connection. */
  shutdown(): Promise<void> {
    if (!this.server) return Promise.resolve();
    if (this.closing) return this.closing;
    const server = this.server;
    this.closing = new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    // In-flight requests still get their answer, on a connection that then closes.
    for (const res of this.active) if (!res.headersSent) res.setHeader('connection', 'close');
    return this.closing;
  }

  /** Counts the request as in flight until its answer is sent, and records its duration. */
  private track(res: http.ServerResponse, signal: Signal | 'unknown', startedMs: number): void {
    this.active.add(res);
    res.once('close', () => {
      this.active.delete(res);
      this.deps.telemetry.recordRequest(signal, 'http', String(res.statusCode), (Date.now() - startedMs) / 1000);
      // A keep-alive connection whose answer went out before shutdown marked it would hold shutdown open.
      if (this.closing && this.active.size === 0) this.server?.closeIdleConnections();
    });
    if (this.closing) res.setHeader('connection', 'close');
  }

  private async handle(signal: Signal, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.track(res, signal, Date.now());
    const { logger, config } = this.deps;
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendText(res, 405, `405 method not allowed, supported: [POST]`);
      return;
    }
    const encoding = encodingOfContentType(req.headers['content-type']);
    if (!encoding) {
      sendText(res, 415, `415 unsupported media type ${JSON.stringify(req.headers['content-type'] ?? '')}, supported: [${JSON_CONTENT_TYPE}, ${PROTOBUF_CONTENT_TYPE}]`);
      return;
    }
    if (this.closing) {
      // Arrived on a kept-alive connection after shutdown began: not in flight, so not accepted.
      sendStatus(res, encoding, 503, 'the agent is shutting down; retry against the new instance', { 'retry-after': '1' });
      return;
    }
    const overLimit = this.deps.ingest.admit(signal, 'http');
    if (overLimit) {
      // Refused unread: the body is discarded as it streams in (never buffered or decoded), so the
      // sender still reads the 503 and its Retry-After; the connection closes after the answer.
      req.resume();
      res.setHeader('connection', 'close');
      sendStatus(res, encoding, overLimit.httpStatus, overLimit.message, { 'retry-after': String(overLimit.retryAfterSeconds ?? 1) });
      return;
    }
    try {
      const coding = contentCodingOf(req.headers['content-encoding']);
      const body = await readBody(req, coding, config.max_request_body_size);
      // Decoding and then storing a request each take one event-loop turn (agent/component/turns.ts):
      // /healthz and other senders' bytes are served between them, not after every pending request.
      await nextTurn();
      let data: SignalData[Signal];
      if (encoding === 'proto') data = decodeProtoRequestLazily(signal, body);
      else data = decodeJsonRequest(signal, body.length === 0 ? EMPTY_JSON_REQUEST : body);
      await nextTurn();
      // OTLP/JSON has no protobuf bytes to forward: the exporter encodes it (the slow path).
      const partial = await this.deps.ingest.export(signal, data, 'http', encoding === 'proto' ? body : undefined);
      sendBody(res, 200, CONTENT_TYPE[encoding], encodeResponse(signal, encoding, partial));
    } catch (err) {
      if (err instanceof RequestError || err instanceof OtlpDecodeError) {
        const status = err instanceof RequestError ? err.status : 400;
        logger.debug({ signal, status, reason: err.message }, 'refused an OTLP/HTTP request');
        sendStatus(res, encoding, status, err.message);
      } else if (err instanceof ConsumerRefusal) {
        const f = err.failure;
        sendStatus(res, encoding, f.httpStatus, f.message, f.retryAfterSeconds !== undefined ? { 'retry-after': String(f.retryAfterSeconds) } : {});
      } else {
        // A bug of ours: answer (never leave the sender hanging) and keep serving.
        logger.error({ err, signal }, 'OTLP/HTTP request failed unexpectedly');
        sendStatus(res, encoding, 500, `internal error: ${(err as Error)?.message ?? String(err)}`);
      }
    }
  }
}

/** The path of a request target, without the query; absolute-form targets (http://host/path) too. */
export function pathOf(url: string): string {
  if (url.startsWith('/')) {
    const q = url.indexOf('?');
    return q < 0 ? url : url.slice(0, q);
  }
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function sendBody(res: http.ServerResponse, status: number, contentType: string, body: Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': body.length });
  res.end(body);
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  sendBody(res, status, 'text/plain; charset=utf-8', Buffer.from(text));
}

/** An error answer: google.rpc.Status in the request's encoding. */
function sendStatus(res: http.ServerResponse, encoding: BodyEncoding, status: number, message: string, headers: Record<string, string> = {}): void {
  sendBody(res, status, CONTENT_TYPE[encoding], encodeStatus(encoding, grpcCodeForHttpStatus(status), message), headers);
}
