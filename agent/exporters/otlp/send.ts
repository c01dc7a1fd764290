/**
 * One HTTP attempt: encode, compress, POST, and classify the answer as the
 * OTLP/HTTP specification asks: 2xx delivered (maybe partially), 429/502/503/504
 * and network errors retryable (with Retry-After), other statuses permanent.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { decodeResponse, decodeStatus, encodeJsonRequest, encodeProtoRequest, type PartialSuccess } from '../../otlp/codec';
import type { Signal, SignalData } from '../../otlp/model';
import { parseRetryAfter } from './backoff';
import type { OtlpExporterConfig } from './config';

const gzip = promisify(zlib.gzip);

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** A failure worth retrying; retryAfterMs from the upstream's Retry-After. */
export class RetryableSendError extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'RetryableSendError';
  }
}

/** The upstream refused the data for good (e.g. 400): retrying cannot help. */
export class PermanentSendError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

export interface EncodedRequest { body: Buffer; headers: Record<string, string> }

export async function encodeRequest<S extends Signal>(signal: S, data: SignalData[S], config: OtlpExporterConfig): Promise<EncodedRequest> {
  const json = config.encoding === 'json';
  let body: Buffer = json ? Buffer.from(encodeJsonRequest(signal, data)) : Buffer.from(encodeProtoRequest(signal, data));
  const headers: Record<string, string> = {
    ...config.headers,
    'content-type': json ? 'application/json' : 'application/x-protobuf',
  };
  if (config.compression === 'gzip') {
    body = await gzip(body);
    headers['content-encoding'] = 'gzip';
  }
  return { body, headers };
}

export function signalUrl(endpoint: string, signal: Signal): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/${signal}`;
}

/** Sends once. Resolves with the upstream's partial success; throws RetryableSendError or PermanentSendError. */
export async function sendOnce(url: string, req: EncodedRequest, signal: Signal, config: OtlpExporterConfig, cancel?: AbortSignal): Promise<PartialSuccess> {
  let res: Response;
  const timeout = AbortSignal.timeout(config.timeout);
  try {
    res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body, signal: cancel ? AbortSignal.any([timeout, cancel]) : timeout });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (cancel?.aborted) throw err;
    const why = e.name === 'TimeoutError' ? `timed out after ${config.timeout} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new RetryableSendError(`POST ${url} failed: ${why}`);
  }
  const body = Buffer.from(await res.arrayBuffer());
  const encoding = (res.headers.get('content-type') ?? '').startsWith('application/json') ? 'json' : 'proto';
  if (res.status >= 200 && res.status < 300) {
    try {
      return decodeResponse(signal, encoding, body);
    } catch {
      return { rejected: 0, errorMessage: '' };
    }
  }
  const status = decodeStatus(encoding, body).message || body.toString('utf8').slice(0, 256);
  const message = `POST ${url} answered ${res.status}${status ? `: ${status}` : ''}`;
  if (RETRYABLE_STATUS.has(res.status)) throw new RetryableSendError(message, parseRetryAfter(res.headers.get('retry-after')));
  throw new PermanentSendError(message, res.status);
}
