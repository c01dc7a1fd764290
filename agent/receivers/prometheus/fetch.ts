/**
 * One scrape's HTTP request, bounded: the scrape timeout covers connect,
 * headers and body; the body (after gzip decompression) may not exceed
 * body_size_limit. Headers as Prometheus 2.42 sends them.
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import type { ScrapeConfig } from './config';
import { BUILD_INFO } from '../../telemetry/build-info';

/** Prometheus 2.42's Accept header: OpenMetrics preferred, then the text format. */
export const SCRAPE_ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`body size limit exceeded (body_size_limit: ${limit} bytes)`);
    this.name = 'BodyTooLargeError';
  }
}

export interface ScrapeResponse { body: string; contentType: string | undefined }

export function scrapeOnce(url: string, sc: ScrapeConfig, timeoutMs: number, baseDir: (p: string) => string): Promise<ScrapeResponse> {
  const headers: Record<string, string> = {
    accept: SCRAPE_ACCEPT_HEADER,
    'accept-encoding': 'gzip',
    'user-agent': `Lookout/${BUILD_INFO.version}`,
    'x-prometheus-scrape-timeout-seconds': String(timeoutMs / 1000),
  };
  if (sc.basic_auth) {
    const password = sc.basic_auth.password_file ? readFileSync(baseDir(sc.basic_auth.password_file), 'utf8').trim() : sc.basic_auth.password ?? '';
    headers.authorization = `Basic ${Buffer.from(`${sc.basic_auth.username}:${password}`).toString('base64')}`;
  } else if (sc.authorization) {
    const a = sc.authorization;
    const cred = a.credentials_file ? readFileSync(baseDir(a.credentials_file), 'utf8').trim() : a.credentials ?? '';
    headers.authorization = `${a.type} ${cred}`;
  }
  const tls = sc.tls_config;
  const options: https.RequestOptions = {
    method: 'GET',
    headers,
    timeout: timeoutMs,
    ...(tls ? {
      ca: tls.ca_file ? readFileSync(baseDir(tls.ca_file)) : undefined,
      cert: tls.cert_file ? readFileSync(baseDir(tls.cert_file)) : undefined,
      key: tls.key_file ? readFileSync(baseDir(tls.key_file)) : undefined,
      servername: tls.server_name,
      rejectUnauthorized: !tls.insecure_skip_verify,
    } : {}),
  };
  const limit = sc.body_size_limit;
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.request(url, options, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`server returned HTTP status ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
        return;
      }
      const gz = /gzip/i.test(res.headers['content-encoding'] ?? '');
      const stream = gz ? res.pipe(zlib.createGunzip()) : res;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (limit > 0 && size > limit) {
          req.destroy(new BodyTooLargeError(limit));
          stream.destroy();
          reject(new BodyTooLargeError(limit));
          return;
        }
        chunks.push(c);
      });
      stream.on('error', reject);
      res.on('error', reject);
      stream.on('end', () => resolve({ body: Buffer.concat(chunks).toString('utf8'), contentType: res.headers['content-type'] }));
    });
    // The whole request, body included, within the scrape timeout.
    const timer = setTimeout(() => req.destroy(new Error(`context deadline exceeded (scrape_timeout ${timeoutMs / 1000}s)`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('timeout', () => req.destroy(new Error(`context deadline exceeded (scrape_timeout ${timeoutMs / 1000}s)`)));
    req.on('error', reject);
    req.end();
  });
}
