/**
 * One HTTP attempt, its answer classified as the OTLP/HTTP specification
 * asks: 2xx delivered (perhaps partially), 429/502/503/504 and network
 * errors/timeouts retryable (with Retry-After), any other status permanent.
 * Redirects are not followed: a 301/302 would turn the POST into a GET and
 * lose the body, so a 3xx is reported as a configuration problem instead.
 */
import http from 'node:http';
import https from 'node:https';
import { decodeResponse, decodeStatus, type PartialSuccess } from '../../otlp/codec';
import type { Signal } from '../../otlp/model';
import { parseRetryAfter } from './backoff';
import { bodyLength, type EncodedRequest } from './encode';
import { PermanentSendError, RetryableSendError } from './errors';

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/** Enough for any google.rpc.Status or partial_success message; an upstream's huge error page is cut. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** `${endpoint}/v1/<signal>`, tolerating a trailing slash on the endpoint. */
export function signalUrl(endpoint: string, signal: Signal): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/${signal}`;
}

type AnswerEncoding = 'proto' | 'json' | 'text';

function answerEncoding(contentType: string | undefined): AnswerEncoding {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.startsWith('application/x-protobuf') || ct.startsWith('application/protobuf')) return 'proto';
  if (ct.startsWith('application/json')) return 'json';
  return 'text';
}

/** The upstream's explanation: google.rpc.Status.message for proto/JSON answers, else the body text. */
function upstreamMessage(encoding: AnswerEncoding, body: Buffer): string {
  if (body.length === 0) return '';
  if (encoding === 'text') return body.toString('utf8').trim().slice(0, 512);
  return decodeStatus(encoding, body).message.slice(0, 512);
}

export interface SendOptions {
  /** Per-request timeout in ms, from sending to the end of the answer; 0: none. */
  timeoutMs: number;
  /** Aborted at the exporter's shutdown deadline; the caller checks it after a failure. */
  cancel: AbortSignal;
}

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/**
 * Keep-alive connections to one upstream. node:http rather than fetch: the
 * body goes to the socket as is (fetch copies it into a web stream first),
 * which matters for multi-megabyte batches.
 */
export class UpstreamClient {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  constructor(endpoint: string) {
    const tls = endpoint.startsWith('https:');
    this.agent = tls ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    this.request = tls ? https.request : http.request;
  }

  post(url: string, req: EncodedRequest, opts: SendOptions): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        fn();
      };
      const out = this.request(url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...req.headers, 'content-length': String(bodyLength(req.body)) },
        signal: opts.cancel,
      }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, size) }));
        res.on('data', (c: Buffer) => {
          if (size >= MAX_ANSWER_BYTES) return;
          chunks.push(c);
          size += c.length;
          if (size >= MAX_ANSWER_BYTES) {
            done(); // enough to explain; drop the rest with the connection
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', (err) => settle(() => reject(err)));
        res.on('close', () => settle(() => reject(new Error('the upstream closed the connection in the middle of its answer'))));
      });
      out.on('error', (err) => settle(() => reject(err)));
      if (opts.timeoutMs > 0) {
        timer = setTimeout(() => out.destroy(new TimeoutError(`no answer within timeout (${opts.timeoutMs} ms)`)), opts.timeoutMs);
      }
      out.cork(); // one writev for all chunks; end() uncorks
      for (const chunk of req.body) out.write(chunk);
      out.end();
    });
  }

  /** Closes idle keep-alive connections (in-flight ones end with their requests). */
  close(): void {
    this.agent.destroy();
  }
}

class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

function describeNetworkError(err: Error & { code?: string }): string {
  if (err instanceof TimeoutError) return err.message;
  return err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message;
}

/** POSTs once. Resolves with the upstream's partial success; throws RetryableSendError or PermanentSendError. */
export async function sendOnce(client: UpstreamClient, url: string, signal: Signal, req: EncodedRequest, opts: SendOptions): Promise<PartialSuccess> {
  let res: Answer;
  try {
    res = await client.post(url, req, opts);
  } catch (err) {
    throw new RetryableSendError(`POST ${url} failed: ${describeNetworkError(err as Error)}`);
  }
  const body = res.body;
  const encoding = answerEncoding(header(res.headers['content-type']));
  if (res.status >= 200 && res.status < 300) {
    if (encoding === 'text' || body.length === 0) return { rejected: 0, errorMessage: '' };
    try {
      return decodeResponse(signal, encoding, body);
    } catch {
      return { rejected: 0, errorMessage: '' }; // delivered; an unreadable answer cannot undo that
    }
  }
  const message = upstreamMessage(encoding, body);
  const summary = `POST ${url} answered HTTP ${res.status}${message ? `: ${message}` : ''}`;
  if (RETRYABLE_STATUS.has(res.status)) {
    throw new RetryableSendError(summary, parseRetryAfter(header(res.headers['retry-after'])), res.status);
  }
  const hint = res.status >= 300 && res.status < 400
    ? ` (redirects are not followed; the upstream points to ${header(res.headers.location) ?? 'an unnamed location'}: fix endpoint)`
    : '';
  throw new PermanentSendError(summary + hint, url, res.status, message);
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
