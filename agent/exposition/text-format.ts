/**
 * The store's latest samples in the Prometheus text exposition format 0.0.4
 * (what GET /metrics serves, what every scraper and promtool read):
 * one family per metric with `# HELP` (when known) and `# TYPE` once, a
 * histogram/summary family covering its _bucket/_sum/_count series,
 * escaped label values, Go-style float text and no timestamps (a scraper
 * stamps samples with its own scrape time, as for any exporter).
 */
import type { Labels, MetricMetadata } from '../store/types';
import { formatExpositionFloat } from './float-format';

/**
 * Where the samples come from: the store's latest sample per live series,
 * either as a callback walk (forEachLatest) or as an iterator
 * (MemoryStore.allSeriesLatest); plus type/help/unit per family name.
 */
export type ExpositionSource = {
  metadata(): ReadonlyMap<string, MetricMetadata>;
} & (
  | { forEachLatest(cb: (labels: Labels, t: number, v: number) => void): void }
  | { allSeriesLatest(): Iterable<{ labels: Labels; t: number; v: number }> }
);

function eachLatest(source: ExpositionSource, cb: (labels: Labels, t: number, v: number) => void): void {
  if ('forEachLatest' in source) {
    source.forEachLatest(cb);
    return;
  }
  for (const s of source.allSeriesLatest()) cb(s.labels, s.t, s.v);
}

export interface ExpositionOptions {
  /** Leaves out series for which this returns true (e.g. the agent's own series already on /metrics). */
  exclude?: (labels: Labels) => boolean;
}

/** The text-format TYPE word for each metadata type. */
const TYPE_WORD: Record<MetricMetadata['type'], string> = {
  counter: 'counter', gauge: 'gauge', histogram: 'histogram', summary: 'summary', unknown: 'untyped',
};

const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

interface Line {
  /** Labels without __name__ and without le/quantile: groups a histogram's series of one label set. */
  groupKey: string;
  /** Order inside a group: buckets/quantiles (by bound), then _sum, then _count. */
  rank: number;
  bound: number;
  text: string;
}

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/**
 * The family a series belongs to and that family's metadata: its own name,
 * the histogram/summary whose suffix it carries, or, for `x_total` when
 * only `x` has counter metadata (OpenMetrics-style family naming), the
 * series' own name with the counter metadata (text format 0.0.4 wants the
 * TYPE line to name the sample).
 */
function familyOf(name: string, meta: ReadonlyMap<string, MetricMetadata>): { family: string; suffix: string; m?: MetricMetadata } {
  const own = meta.get(name);
  if (own) return { family: name, suffix: '', m: own };
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const m = meta.get(base);
    if (m && SUFFIXES[m.type]?.includes(suffix)) return { family: base, suffix, m };
  }
  if (name.endsWith('_total')) {
    const m = meta.get(name.slice(0, -'_total'.length));
    if (m?.type === 'counter') return { family: name, suffix: '', m };
  }
  return { family: name, suffix: '' };
}

function parseBound(s: string | undefined): number {
  if (s === undefined) return 0;
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  const n = Number(s);
  return Number.isNaN(n) ? 0 : n;
}

export function renderExposition(source: ExpositionSource, opts: ExpositionOptions = {}): string {
  const meta = source.metadata();
  const families = new Map<string, Line[]>();
  const familyMeta = new Map<string, MetricMetadata>();
  eachLatest(source, (labels, _t, v) => {
    const name = labels.__name__;
    if (!name || opts.exclude?.(labels)) return;
    const { family, suffix, m } = familyOf(name, meta);
    if (m) familyMeta.set(family, m);
    const names = Object.keys(labels).filter((k) => k !== '__name__').sort();
    const pairs = names.map((k) => `${k}="${escapeLabelValue(labels[k])}"`);
    const groupKey = names.filter((k) => k !== 'le' && k !== 'quantile').map((k) => `${k}\xff${labels[k]}`).join('\xfe');
    const rank = suffix === '_sum' ? 1 : suffix === '_count' ? 2 : 0;
    const bound = parseBound(labels.le ?? labels.quantile);
    const text = `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatExpositionFloat(v)}`;
    let list = families.get(family);
    if (!list) families.set(family, (list = []));
    list.push({ groupKey, rank, bound, text });
  });

  const out: string[] = [];
  for (const family of [...families.keys()].sort()) {
    const m = familyMeta.get(family);
    if (m?.help) out.push(`# HELP ${family} ${escapeHelp(m.help)}`);
    out.push(`# TYPE ${family} ${TYPE_WORD[m?.type ?? 'unknown']}`);
    const lines = families.get(family)!;
    lines.sort((a, b) => (a.groupKey < b.groupKey ? -1 : a.groupKey > b.groupKey ? 1 : 0) || a.rank - b.rank || a.bound - b.bound
      || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    for (const l of lines) out.push(l.text);
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/** The Content-Type to serve renderExposition() output with. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
