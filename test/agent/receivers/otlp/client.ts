/**
 * A bare node:http client for the receiver tests: exact control over
 * headers, chunked uploads and bodies fetch() would refuse to send.
 */
import http from 'node:http';
import { decodeStatus } from '../../../../agent/otlp/codec';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The google.rpc.Status of an error answer, decoded per its content type. */
  status_(): { code: number; message: string };
  text(): string;
}

export interface PostOptions {
  headers?: Record<string, string>;
  method?: string;
  /** Send with Transfer-Encoding: chunked (no Content-Length), in pieces of this size. */
  chunked?: number;
  agent?: http.Agent;
}

export function post(url: string, body: Buffer | string | undefined, opts: PostOptions = {}): Promise<RawResponse> {
  const data = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...opts.headers };
    if (!opts.chunked) headers['content-length'] = data.length;
    const req = http.request(url, { method: opts.method ?? 'POST', headers, agent: opts.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        const ct = String(res.headers['content-type'] ?? '');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: buf,
          status_: () => decodeStatus(ct.startsWith('application/json') ? 'json' : 'proto', buf),
          text: () => buf.toString('utf8'),
        });
      });
    });
    req.on('error', reject);
    if (opts.chunked) {
      // Respect back-pressure so a multi-megabyte upload does not sit in memory twice.
      let offset = 0;
      const step = opts.chunked;
      const pump = () => {
        while (offset < data.length) {
          const piece = data.subarray(offset, offset + step);
          offset += step;
          if (!req.write(piece)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    } else {
      req.end(data);
    }
  });
}

export const PROTO = { 'content-type': 'application/x-protobuf' };
export const JSON_CT = { 'content-type': 'application/json' };
