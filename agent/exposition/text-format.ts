/**
 * The store's latest samples in the Prometheus text exposition format 0.0.4
 * (what GET /metrics serves, what every scraper and promtool read):
 * one family per metric with `# HELP` (when known) and `# TYPE` once, a
 * histogram/summary family covering its _bucket/_sum/_count series,
 * escaped label values, Go-style float text and no timestamps (a scraper
 * stamps samples with its own scrape time, as for any exporter).
 */
import type { Labels, MetricMetadata } from '../store/types';
import { formatExpositionFloat } from '../format/gofloat';
import { sortSteps } from './sort-steps';
import { nextTurn } from '../promql/context';

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

/** One series to write: its labels and value, and what orders it within its family. */
interface Entry {
  labels: Labels;
  v: number;
  /** Label names without __name__, le and quantile, sorted: they group a histogram's series of one label set. */
  groupNames: string[];
  /** Order inside a group: buckets/quantiles (by bound), then _sum, then _count. */
  rank: number;
  bound: number;
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

/** Pairwise by the group's label names and values, then by name: the series of one group stay together. */
function compareEntries(a: Entry, b: Entry): number {
  const an = a.groupNames;
  const bn = b.groupNames;
  for (let i = 0; i < an.length && i < bn.length; i++) {
    if (an[i] !== bn[i]) return an[i] < bn[i] ? -1 : 1;
    const av = a.labels[an[i]];
    const bv = b.labels[bn[i]];
    if (av !== bv) return av < bv ? -1 : 1;
  }
  if (an.length !== bn.length) return an.length - bn.length;
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.bound !== b.bound) return a.bound < b.bound ? -1 : 1;
  const x = a.labels.__name__;
  const y = b.labels.__name__;
  return x < y ? -1 : x > y ? 1 : 0;
}

function lineOf(e: Entry): string {
  const names = Object.keys(e.labels).filter((k) => k !== '__name__').sort();
  let pairs = '';
  for (const k of names) pairs += `${pairs ? ',' : ''}${k}="${escapeLabelValue(e.labels[k])}"`;
  return `${e.labels.__name__}${pairs ? `{${pairs}}` : ''} ${formatExpositionFloat(e.v)}\n`;
}

/** Text is handed out in chunks of about this many characters (a single longer line is one chunk). */
export const CHUNK_CHARS = 256 * 1024;

/**
 * The exposition as steps: yields a string chunk of the body, or undefined
 * when due() says the caller's time slice is used up. Nothing but the
 * current chunk is held as text, so bodies far beyond V8's longest string
 * (~12 000 series with 64 KB labels) are fine when streamed.
 */
export function* expositionSteps(source: ExpositionSource, opts: ExpositionOptions = {}, due: () => boolean = () => false): Generator<string | undefined, void, void> {
  const meta = source.metadata();
  const families = new Map<string, Entry[]>();
  const familyMeta = new Map<string, MetricMetadata>();
  const add = (labels: Labels, v: number): void => {
    const name = labels.__name__;
    if (!name || opts.exclude?.(labels)) return;
    const { family, suffix, m } = familyOf(name, meta);
    if (m) familyMeta.set(family, m);
    const groupNames = Object.keys(labels).filter((k) => k !== '__name__' && k !== 'le' && k !== 'quantile').sort();
    const rank = suffix === '_sum' ? 1 : suffix === '_count' ? 2 : 0;
    let list = families.get(family);
    if (!list) families.set(family, (list = []));
    list.push({ labels, v, groupNames, rank, bound: parseBound(labels.le ?? labels.quantile) });
  };
  if ('forEachLatest' in source) source.forEachLatest((labels, _t, v) => add(labels, v));
  else {
    for (const s of source.allSeriesLatest()) {
      add(s.labels, s.v);
      if (due()) yield undefined;
    }
  }

  let chunk = '';
  for (const family of [...families.keys()].sort()) {
    const m = familyMeta.get(family);
    if (m?.help) chunk += `# HELP ${family} ${escapeHelp(m.help)}\n`;
    chunk += `# TYPE ${family} ${TYPE_WORD[m?.type ?? 'unknown']}\n`;
    const entries = yield* sortSteps(families.get(family)!, compareEntries, due);
    families.delete(family);
    for (const e of entries) {
      chunk += lineOf(e);
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
      if (due()) yield undefined;
    }
  }
  if (chunk) yield chunk;
}

/** The whole exposition as one string (small stores, tests); /metrics streams expositionChunks() instead. */
export function renderExposition(source: ExpositionSource, opts: ExpositionOptions = {}): string {
  let out = '';
  for (const c of expositionSteps(source, opts)) if (c) out += c;
  return out;
}

/**
 * The exposition as an async stream of chunks: at most sliceMs of work
 * between two event-loop turns, so OTLP and /healthz are served while a
 * large store renders.
 */
export async function* expositionChunks(source: ExpositionSource, opts: ExpositionOptions = {}, sliceMs = 10): AsyncGenerator<string, void, void> {
  let sliceEnd = performance.now() + sliceMs;
  let n = 0;
  const due = (): boolean => (++n & 63) === 0 && performance.now() >= sliceEnd;
  for (const chunk of expositionSteps(source, opts, due)) {
    if (chunk !== undefined) {
      yield chunk;
      continue;
    }
    await nextTurn();
    sliceEnd = performance.now() + sliceMs;
  }
}

/** The Content-Type to serve renderExposition() output with. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
