/** POSTing JSON with the injected fetch; non-2xx answers become HttpError. */
import { HttpError } from './integration';

export type FetchFn = typeof fetch;

export async function postJson(fetchFn: FetchFn, url: string, body: unknown, signal: AbortSignal, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetchFn(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'Lookout', ...headers },
    body: JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  if (!res.ok) throw new HttpError(url, res.status, text);
  return text;
}
