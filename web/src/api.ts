/**
 * The admin API, same origin: the browser sends the page's own credentials
 * (basic auth prompted by the guard's 401, or a client certificate) with
 * every call. Writes send application/json, the only body the guard accepts.
 */
import type { VectorSample } from '../../agent/ui/lib/series';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function check(res: Response, what: string): Promise<Response> {
  if (res.ok) return res;
  let detail = (await res.text()).trim();
  try {
    const j = JSON.parse(detail) as unknown;
    detail = typeof j === 'string' ? j : (j as { error?: string }).error ?? detail;
  } catch { /* plain text */ }
  throw new ApiError(res.status, `${what}: ${res.status} ${detail || res.statusText}`);
}

export async function getText(path: string): Promise<string> {
  return (await check(await fetch(path, { credentials: 'same-origin', cache: 'no-store' }), `GET ${path}`)).text();
}

export async function getJson<T>(path: string): Promise<T> {
  return JSON.parse(await getText(path)) as T;
}

/** The Prometheus API's envelope: `data` of a success, the error text otherwise. */
export async function promApi<T>(path: string, params: Record<string, string | number> = {}): Promise<T> {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  const res = await fetch(qs ? `${path}?${qs}` : path, { credentials: 'same-origin', cache: 'no-store' });
  const body = await res.json().catch(() => undefined) as { status?: string; data?: T; error?: string } | undefined;
  if (!res.ok || body?.status !== 'success') throw new ApiError(res.status, body?.error ?? `${path}: ${res.status} ${res.statusText}`);
  return body.data as T;
}

/** An instant query's vector; empty when it fails, so one missing column never fails a page. */
export async function instantVector(query: string): Promise<VectorSample[]> {
  return (await promApi<{ result: VectorSample[] }>('/api/v1/query', { query }).catch(() => ({ result: [] }))).result;
}

export async function send<T>(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<T | undefined> {
  const init: RequestInit = { method, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers = { 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const res = await check(await fetch(path, init), `${method} ${path}`);
  const text = await res.text();
  return text ? JSON.parse(text) as T : undefined;
}
