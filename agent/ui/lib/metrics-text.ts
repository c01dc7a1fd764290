/**
 * Reads the agent's own /metrics (Prometheus text format 0.0.4) for the
 * overview, so the page shows exactly the numbers a scraper sees. Only the
 * sample lines matter here; HELP/TYPE comments and timestamps are skipped.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?\s*/y;

function unescape(v: string): string {
  return v.replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Every sample line of the text; lines that do not parse are skipped (the page shows what it can). */
export function parseMetricsText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[2]) {
      LABEL.lastIndex = 0;
      let l: RegExpExecArray | null;
      while (LABEL.lastIndex < m[2].length && (l = LABEL.exec(m[2]))) labels[l[1]] = unescape(l[2]);
    }
    out.push({ name: m[1], labels, value: parseValue(m[3]) });
  }
  return out;
}

type LabelFilter = Record<string, string>;

function matches(s: Sample, name: string, filter: LabelFilter): boolean {
  return s.name === name && Object.entries(filter).every(([k, v]) => (s.labels[k] ?? '') === v);
}

/** The samples of one metric whose labels include `filter`. */
export function select(samples: readonly Sample[], name: string, filter: LabelFilter = {}): Sample[] {
  return samples.filter((s) => matches(s, name, filter));
}

/** Sum over matching samples; undefined when the metric is absent (not exported yet), 0 is a real zero. */
export function total(samples: readonly Sample[], name: string, filter: LabelFilter = {}): number | undefined {
  const hit = select(samples, name, filter);
  return hit.length ? hit.reduce((n, s) => n + s.value, 0) : undefined;
}

/** `sum by (label)`: label value -> sum, in first-seen order ("" for a missing label). */
export function sumBy(samples: readonly Sample[], name: string, label: string, filter: LabelFilter = {}): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of select(samples, name, filter)) {
    const k = s.labels[label] ?? '';
    out.set(k, (out.get(k) ?? 0) + s.value);
  }
  return out;
}
