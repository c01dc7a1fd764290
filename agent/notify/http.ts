/**
 * POSTing JSON with the injected fetch, with a receiver's http_config
 * (Authorization / basic auth, read at send time so rotated secrets apply
 * without a restart; redirects). Non-2xx answers become HttpError.
 */
import type { HttpConfig } from './config';
import { HttpError, parseRetryAfter } from './integration';
import { secretOrFile } from './secret';

export type FetchFn = typeof fetch;

export interface PostOptions {
  headers?: Record<string, string>;
  http?: HttpConfig;
  /** Where *_file paths of http_config resolve. */
  baseDir?: string;
}

/** The Authorization header an http_config asks for (none when it has no auth). */
export function authorizationHeader(http: HttpConfig | undefined, baseDir: string): Record<string, string> {
  if (http?.authorization) {
    const a = http.authorization;
    const credentials = secretOrFile(a.credentials, a.credentials_file, baseDir, 'http_config.authorization.credentials') ?? '';
    return { authorization: `${a.type} ${credentials}` };
  }
  if (http?.basic_auth) {
    const b = http.basic_auth;
    const password = secretOrFile(b.password, b.password_file, baseDir, 'http_config.basic_auth.password') ?? '';
    return { authorization: `Basic ${Buffer.from(`${b.username}:${password}`).toString('base64')}` };
  }
  return {};
}

/**
 * `https://user:password@host/...`: fetch refuses URLs with credentials, so
 * the userinfo becomes a basic-auth header (as Go's HTTP client, and so
 * Alertmanager and Prometheus, send it) and leaves the URL, which is then
 * safe to log.
 */
export function splitUserinfo(url: string): { url: string; headers: Record<string, string> } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url, headers: {} };
  }
  if (!u.username && !u.password) return { url, headers: {} };
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  return { url: u.toString(), headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } };
}

export async function postJson(fetchFn: FetchFn, url: string, body: unknown, signal: AbortSignal, opts: PostOptions = {}): Promise<string> {
  const target = splitUserinfo(url);
  const res = await fetchFn(target.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Lookout',
      ...target.headers,
      ...opts.headers,
      ...authorizationHeader(opts.http, opts.baseDir ?? process.cwd()),
    },
    body: JSON.stringify(body),
    // follow_redirects: false turns a 3xx into a failed (not retried) delivery, as Alertmanager does.
    redirect: opts.http && !opts.http.follow_redirects ? 'manual' : 'follow',
    signal,
  });
  const text = await res.text();
  if (!res.ok) throw new HttpError(url, res.status, text, parseRetryAfter(res.headers.get('retry-after'), Date.now()));
  return text;
}
