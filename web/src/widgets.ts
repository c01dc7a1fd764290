/** Small building blocks shared by the pages: cards, stats, tables, badges, label chips. */
import { h, type Child } from './dom';
import { formatAgo, formatNumber, formatTime } from '../../agent/ui/lib/format';

export function card(title: Child, body: Child[], props: Record<string, string> = {}): HTMLElement {
  return h('section', { class: 'card', ...props }, h('h2', null, title), ...body);
}

/** A big number with a label; `data-stat`/`data-value` let tests and scripts read the exact value. */
export function stat(id: string, label: string, value: number | undefined, opts: { text?: string; level?: string; title?: string } = {}): HTMLElement {
  return h('div', { class: `stat ${opts.level ?? ''}`, 'data-stat': id, 'data-value': value === undefined ? '' : String(value), title: opts.title },
    h('span', { class: 'v' }, opts.text ?? (value === undefined ? '–' : formatNumber(value))),
    h('span', { class: 'l' }, label));
}

export function table(head: string[], rows: Child[][], props: Record<string, string> = {}): HTMLElement {
  return h('div', { class: 'table-wrap' }, h('table', props,
    h('thead', null, h('tr', null, ...head.map((c) => h('th', null, c)))),
    h('tbody', null, ...rows.map((r) => h('tr', null, ...r.map((c) => h('td', null, c)))))));
}

export function num(id: string, v: number | undefined, level = ''): HTMLElement {
  return h('span', { class: `num ${level}`, 'data-stat': id, 'data-value': v === undefined ? '' : String(v) }, v === undefined ? '–' : formatNumber(v));
}

export function badge(text: string, level: string): HTMLElement {
  return h('span', { class: `badge ${level}` }, text);
}

export function labelChips(labels: Record<string, string>, skip: readonly string[] = []): HTMLElement {
  return h('span', { class: 'chips' }, ...Object.keys(labels).sort().filter((k) => !skip.includes(k))
    .map((k) => h('span', { class: 'chip' }, h('b', null, k), '=', labels[k])));
}

export function ago(tMs: number, now: number): HTMLElement {
  return h('time', { datetime: new Date(tMs).toISOString(), title: formatTime(tMs) }, formatAgo(tMs, now));
}

export function bar(fraction: number | undefined): HTMLElement | null {
  if (fraction === undefined || !Number.isFinite(fraction)) return null;
  const pct = Math.max(0, Math.min(1, fraction)) * 100;
  const level = pct >= 80 ? 'crit' : pct >= 50 ? 'warn' : 'ok';
  return h('span', { class: `bar ${level}`, title: `${pct.toFixed(1)}%` }, h('span', { style: `width:${pct.toFixed(1)}%` }));
}

export function empty(text: string): HTMLElement {
  return h('p', { class: 'muted' }, text);
}
