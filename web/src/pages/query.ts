/**
 * Query: a PromQL box with autocompletion of metric, function and label
 * names and label values, a table (instant query) and a graph (range query over a chosen
 * range). The URL hash holds the query, range and view, so it can be shared.
 */
import { h } from '../dom';
import { promApi } from '../api';
import { drawChart, PALETTE } from '../chart';
import { definePage, type PageContext } from '../page';
import { empty } from '../widgets';
import { applyCompletion, completionContext, filterCandidates, PROMQL_FUNCTIONS, type CompletionContext } from '../../../agent/ui/lib/complete';
import { formatNumber, formatTime, parseDuration } from '../../../agent/ui/lib/format';
import { alignMatrix, seriesName, type MatrixSeries, type VectorSample } from '../../../agent/ui/lib/series';
import { paramsFromQueryState, queryStateFromParams, RANGES, stepFor, type QueryState } from '../../../agent/ui/lib/url-state';

type Result =
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] };

interface QueryData {
  state: QueryState;
  /** The range query's [start, end] in seconds. */
  span?: [number, number];
  result?: Result;
  error?: string;
  tookMs?: number;
}

/** What the user typed but has not run yet (kept across re-renders). */
let typed: string | undefined;
let typedFor: string | undefined;
let suggest: { ctx: CompletionContext; items: string[]; index: number } | undefined;
let names: { metrics: string[]; labels: string[]; at: number } | undefined;
/** Values per label name, fetched when first needed (a minute at most). */
const values = new Map<string, { list: string[]; at: number }>();
const FUNCTIONS = new Set(PROMQL_FUNCTIONS);

async function loadNames(): Promise<void> {
  if (names && Date.now() - names.at < 60_000) return;
  const [metrics, labels] = await Promise.all([
    promApi<string[]>('/api/v1/label/__name__/values').catch(() => []),
    promApi<string[]>('/api/v1/labels').catch(() => []),
  ]);
  names = { metrics, labels, at: Date.now() };
}

async function labelValues(label: string): Promise<string[]> {
  const cached = values.get(label);
  if (cached && Date.now() - cached.at < 60_000) return cached.list;
  const list = await promApi<string[]>(`/api/v1/label/${encodeURIComponent(label)}/values`).catch(() => []);
  values.set(label, { list, at: Date.now() });
  return list;
}

function updateSuggestions(input: HTMLTextAreaElement, ctx: PageContext): void {
  const at = completionContext(input.value, input.selectionStart ?? input.value.length);
  if (at.kind === 'value' && at.label) {
    const label = at.label;
    const cached = values.get(label);
    const show = (list: string[], where: CompletionContext) => {
      const items = filterCandidates(list, where.prefix, 12, true);
      suggest = items.length ? { ctx: where, items, index: 0 } : undefined;
    };
    if (cached) show(cached.list, at);
    else suggest = undefined;
    // Fetched (or refreshed) in the background; applied only if the box still asks for this label, to
    // what it holds by then (more may have been typed: `="d` became `="de`).
    void labelValues(label).then((list) => {
      const now = completionContext(input.value, input.selectionStart ?? input.value.length);
      if (now.kind === 'value' && now.label === label && document.activeElement === input) { show(list, now); ctx.rerender(); }
    });
    return;
  }
  const pool = at.kind === 'metric' ? [...(names?.metrics ?? []), ...PROMQL_FUNCTIONS] : at.kind === 'label' ? names?.labels ?? [] : [];
  const items = filterCandidates(pool, at.prefix, 12);
  suggest = items.length ? { ctx: at, items, index: 0 } : undefined;
}

function accept(input: HTMLTextAreaElement, choice: string): void {
  if (!suggest) return;
  // The span to replace as the box is now: the list may have been built a keystroke earlier.
  const now = completionContext(input.value, input.selectionStart ?? input.value.length);
  const at = now.kind === suggest.ctx.kind ? now : suggest.ctx;
  const next = applyCompletion(input.value, at, choice, FUNCTIONS.has(choice) && at.kind === 'metric');
  input.value = next.text;
  typed = next.text;
  input.setSelectionRange(next.cursor, next.cursor);
  suggest = undefined;
}

function run(ctx: PageContext, state: QueryState, patch: Partial<QueryState>): void {
  suggest = undefined;
  ctx.navigate(paramsFromQueryState({ ...state, expr: typed ?? state.expr, ...patch }));
}

function resultTable(result: Result): HTMLElement {
  if (result.resultType === 'scalar' || result.resultType === 'string') {
    return h('div', { class: 'table-wrap' }, h('table', { 'data-result': 'table' }, h('tbody', null, h('tr', null, h('td', null, result.resultType), h('td', { class: 'num' }, result.result[1])))));
  }
  if (result.result.length === 0) return empty('Empty result: no series match at this time.');
  const rows = result.resultType === 'vector'
    ? result.result.map((s) => [seriesName(s.metric), formatNumber(Number(s.value[1]))])
    : (result.result as MatrixSeries[]).map((s) => [seriesName(s.metric), s.values.map(([t, v]) => `${v} @${t}`).join('\n')]);
  return h('div', { class: 'table-wrap' }, h('table', { 'data-result': 'table' },
    h('thead', null, h('tr', null, h('th', null, 'series'), h('th', null, 'value'))),
    h('tbody', null, ...rows.map(([name, value]) => h('tr', null, h('td', { class: 'series' }, name), h('td', { class: 'num pre' }, value))))));
}

export const queryPage = definePage<QueryData>({
  id: 'query',
  title: 'Query',
  refreshMs: 0,
  async load(params) {
    const state = queryStateFromParams(params);
    void loadNames();
    if (!state.expr.trim()) return { state };
    const end = (state.end ?? Date.now()) / 1000;
    const seconds = parseDuration(state.range);
    const started = performance.now();
    try {
      const result = state.tab === 'graph'
        ? await promApi<Result>('/api/v1/query_range', { query: state.expr, start: end - seconds, end, step: stepFor(seconds) })
        : await promApi<Result>('/api/v1/query', { query: state.expr, time: end });
      return { state, result, tookMs: performance.now() - started, span: [end - seconds, end] };
    } catch (err) {
      return { state, error: (err as Error).message };
    }
  },
  view({ state, result, error, tookMs }, ctx) {
    if (typedFor !== state.expr) { typed = state.expr; typedFor = state.expr; }
    const onKey = (e: Event) => {
      const ev = e as KeyboardEvent;
      const input = ev.target as HTMLTextAreaElement;
      if (suggest && (ev.key === 'ArrowDown' || ev.key === 'ArrowUp')) {
        ev.preventDefault();
        suggest.index = (suggest.index + (ev.key === 'ArrowDown' ? 1 : suggest.items.length - 1)) % suggest.items.length;
        ctx.rerender();
      } else if (suggest && (ev.key === 'Tab' || ev.key === 'Enter')) {
        ev.preventDefault();
        accept(input, suggest.items[suggest.index]);
        ctx.rerender();
      } else if (suggest && ev.key === 'Escape') {
        suggest = undefined;
        ctx.rerender();
      } else if (ev.key === 'Enter' && !ev.shiftKey) {
        ev.preventDefault();
        run(ctx, state, {});
      }
    };
    const box = h('div', { class: 'query-box' },
      h('textarea', {
        name: 'expr', rows: 2, spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off', placeholder: 'PromQL, e.g. rate(traces_span_metrics_calls_total[1m])',
        'aria-label': 'PromQL expression', value: typed ?? '',
        oninput: (e) => { const t = e.target as HTMLTextAreaElement; typed = t.value; updateSuggestions(t, ctx); ctx.rerender(); },
        onkeydown: onKey,
        onblur: () => { setTimeout(() => { if (suggest) { suggest = undefined; ctx.rerender(); } }, 150); },
      }),
      suggest ? h('ul', { class: 'suggest', role: 'listbox' }, ...suggest.items.map((item, i) => h('li', {
        role: 'option', 'data-key': item, class: i === suggest!.index ? 'active' : '', 'aria-selected': i === suggest!.index ? 'true' : 'false',
        onclick: () => { const t = document.querySelector<HTMLTextAreaElement>('.query-box textarea'); if (t) { accept(t, item); t.focus(); ctx.rerender(); } },
      }, item, FUNCTIONS.has(item) ? h('span', { class: 'muted small' }, ' function') : null))) : null);
    const toolbar = h('div', { class: 'toolbar' },
      h('button', { type: 'button', class: 'primary', 'data-run': '', onclick: () => run(ctx, state, {}) }, 'Execute'),
      h('span', { class: 'tabs' }, ...(['graph', 'table'] as const).map((tab) => h('button', {
        type: 'button', class: state.tab === tab ? 'tab active' : 'tab', 'data-tab': tab, onclick: () => run(ctx, state, { tab }),
      }, tab === 'graph' ? 'Graph' : 'Table'))),
      h('label', { class: 'field inline' }, h('span', null, 'Range'), h('select', { value: state.range, onchange: (e) => run(ctx, state, { range: (e.target as HTMLSelectElement).value }) },
        ...[...new Set([...RANGES, state.range])].map((r) => h('option', { value: r, selected: r === state.range }, r)))),
      h('span', { class: 'muted small' }, state.end === undefined ? 'ending now' : `ending ${formatTime(state.end)}`,
        state.end !== undefined ? h('button', { type: 'button', class: 'link', onclick: () => run(ctx, state, { end: undefined }) }, ' (now)') : null),
      tookMs !== undefined ? h('span', { class: 'muted small' }, `${Math.round(tookMs)} ms`) : null);
    let body: HTMLElement | null = null;
    if (error) body = h('p', { class: 'error', role: 'alert' }, error);
    else if (!state.expr.trim()) body = empty('Type an expression (names complete as you type: Tab or Enter accepts) and press Enter.');
    else if (result && state.tab === 'table') body = resultTable(result);
    else if (result && result.resultType === 'matrix' && result.result.length === 0) body = empty('Empty result: no series match over this range.');
    else if (result && result.resultType !== 'matrix') body = resultTable(result);
    else if (result) {
      const series = result.result as MatrixSeries[];
      body = h('div', { class: 'graph' },
        h('div', { class: 'chart', 'data-keep': '', 'data-series': String(series.length) }),
        h('div', { class: 'chart-readout muted small', 'data-keep': '' }),
        h('ul', { class: 'legend' }, ...series.map((s, i) => h('li', { 'data-key': seriesName(s.metric) },
          h('span', { class: 'swatch', style: `background:${PALETTE[i % PALETTE.length]}` }), seriesName(s.metric)))));
    }
    return [h('section', { class: 'card query' }, box, toolbar), body && h('section', { class: 'card' }, body)];
  },
  after(root, { state, result, span }) {
    const chart = root.querySelector<HTMLElement>('.chart');
    if (!chart || !result || result.resultType !== 'matrix' || state.tab !== 'graph') return;
    const { names: legend, data } = alignMatrix(result.result);
    drawChart(chart, legend, data, span ?? [data[0][0] ?? 0, data[0][data[0].length - 1] ?? 0] as [number, number]);
  },
});
