/**
 * The page's address: `#/<page>?k=v&...`. The hash keeps everything a link
 * needs (the query, its range and view), so a URL pasted in chat opens the
 * same graph, and the server only ever serves `/`.
 */
import { parseDuration } from './format';

export interface Route {
  page: string;
  params: Record<string, string>;
}

export function parseHash(hash: string, fallbackPage = 'overview'): Route {
  const h = hash.replace(/^#\/?/, '');
  const q = h.indexOf('?');
  const page = (q < 0 ? h : h.slice(0, q)) || fallbackPage;
  const params: Record<string, string> = {};
  if (q >= 0) for (const [k, v] of new URLSearchParams(h.slice(q + 1))) params[k] = v;
  return { page, params };
}

export function formatHash(route: Route): string {
  const entries = Object.entries(route.params).filter(([, v]) => v !== '');
  const qs = new URLSearchParams(entries).toString();
  return `#/${route.page}${qs ? `?${qs}` : ''}`;
}

export type QueryTab = 'graph' | 'table';

export interface QueryState {
  expr: string;
  /** The graph's range, as typed (a Prometheus duration). */
  range: string;
  /** End of the range in ms; undefined = now (moves with refresh). */
  end?: number;
  tab: QueryTab;
}

export const RANGES = ['5m', '15m', '30m', '1h', '3h', '6h', '12h', '1d', '2d', '1w'];
const DEFAULT_RANGE = '1h';

export function queryStateFromParams(p: Record<string, string>): QueryState {
  let range = p.range ?? DEFAULT_RANGE;
  try { parseDuration(range); } catch { range = DEFAULT_RANGE; }
  const end = p.end !== undefined ? Date.parse(p.end) : NaN;
  return { expr: p.expr ?? '', range, end: Number.isFinite(end) ? end : undefined, tab: p.tab === 'table' ? 'table' : 'graph' };
}

export function paramsFromQueryState(s: QueryState): Record<string, string> {
  const p: Record<string, string> = { expr: s.expr, range: s.range, tab: s.tab };
  if (s.end !== undefined) p.end = new Date(s.end).toISOString();
  return p;
}

/** The link the Rules page puts next to each expression. */
export function queryLink(expr: string, tab: QueryTab = 'graph'): string {
  return formatHash({ page: 'query', params: paramsFromQueryState({ expr, range: DEFAULT_RANGE, tab }) });
}

/** Resolution for query_range: about `points` points over the range, at least 1 s, whole seconds. */
export function stepFor(rangeSeconds: number, points = 250): number {
  return Math.max(1, Math.round(rangeSeconds / points));
}
