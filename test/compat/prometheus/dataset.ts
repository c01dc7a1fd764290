/**
 * The deterministic data set both Prometheus and Lookout answer queries over:
 * counters with resets, gauges crossing zero, classic histograms (one with
 * non-monotonic buckets), series that start late, stop early or have gaps
 * longer than the lookback delta, and a gauge holding NaN.
 *
 * Timestamps sit on a 0.25 s grid so "1700000000.25"-style OpenMetrics text
 * converts to exactly the same milliseconds in Prometheus and here.
 */
import type { Appender, Labels } from '../../../agent/store/types';

export interface GeneratedSeries { labels: Labels; t: number[]; v: number[] }

export interface Dataset {
  /** First sample time (ms), a whole hour a few hours before now (so Prometheus' retention keeps it). */
  start: number;
  /** Last sample time (ms) of the longest series. */
  end: number;
  series: GeneratedSeries[];
}

export const SCRAPE_INTERVAL_MS = 15_000;
/** Length of the data (ms): 70 minutes at a 15 s scrape interval. */
export const SPAN_MS = 70 * 60_000;

/** mulberry32: a small seeded PRNG so every run generates the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rounds to 3 decimals so values print short and identically everywhere. */
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

interface Schedule { fromMs: number; toMs: number; phaseMs: number; gaps?: [number, number][] }

/** Sample times of one series: every 15 s from its phase, jittered by whole 250 ms steps, skipping gaps. */
function times(start: number, s: Schedule, rnd: () => number): number[] {
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const nominal = s.fromMs + s.phaseMs + k * SCRAPE_INTERVAL_MS;
    if (nominal > s.toMs) break;
    if (s.gaps?.some(([a, b]) => nominal >= a && nominal < b)) continue;
    const jitter = (Math.floor(rnd() * 5) - 2) * 250;
    out.push(start + Math.max(0, nominal + jitter));
  }
  return out;
}

export function generateDataset(nowMs: number = Date.now()): Dataset {
  const hour = 3600_000;
  const start = Math.floor(nowMs / hour) * hour - 3 * hour;
  const rnd = prng(0x10c0a7);
  const series: GeneratedSeries[] = [];
  const min = 60_000;
  const full = (phaseMs: number): Schedule => ({ fromMs: 0, toMs: SPAN_MS, phaseMs });

  const counter = (labels: Labels, sched: Schedule, rate: number, resetsAt: number[] = []) => {
    const t = times(start, sched, rnd);
    const v: number[] = [];
    let value = r3(rnd() * 100);
    for (let i = 0; i < t.length; i++) {
      if (resetsAt.includes(i)) value = r3(rnd() * 3);
      else if (i > 0) value = r3(value + Math.floor(rnd() * rate * 2) + (rnd() < 0.2 ? 0.5 : 0));
      v.push(value);
    }
    series.push({ labels, t, v });
  };
  const gauge = (labels: Labels, sched: Schedule, lo: number, hi: number, step: number, integer = false) => {
    const t = times(start, sched, rnd);
    const v: number[] = [];
    let value = lo + rnd() * (hi - lo);
    for (let i = 0; i < t.length; i++) {
      value = Math.min(hi, Math.max(lo, value + (rnd() - 0.5) * 2 * step));
      v.push(integer ? Math.round(value) : r3(value));
    }
    series.push({ labels, t, v });
  };

  // Counters: 12 regular ones, two with resets, one appearing late, one stopping early.
  let phase = 0;
  for (const instance of ['i0', 'i1', 'i2']) {
    for (const method of ['get', 'post']) {
      for (const code of ['200', '500']) {
        const resets = instance === 'i1' && method === 'post' ? (code === '200' ? [100] : [60, 200]) : [];
        counter({ __name__: 'http_requests_total', job: 'api', instance, method, code }, full((phase++ * 1250) % 15_000), code === '200' ? 20 : 3, resets);
      }
    }
  }
  counter({ __name__: 'http_requests_total', job: 'web', instance: 'i0', method: 'get', code: '200' }, { fromMs: 20 * min, toMs: SPAN_MS, phaseMs: 3000 }, 10);
  counter({ __name__: 'http_requests_total', job: 'batch', instance: 'i0', method: 'get', code: '200' }, { fromMs: 0, toMs: 40 * min, phaseMs: 7000 }, 5);

  // Gauges crossing zero, with decimals.
  for (const instance of ['i0', 'i1', 'i2']) {
    for (const sensor of ['a', 'b']) gauge({ __name__: 'node_temperature_celsius', instance, sensor }, full((phase++ * 1750) % 15_000), -10, 40, 3);
  }
  // Integer gauges with ties (count_values, group).
  for (const queue of ['q0', 'q1', 'q2', 'q3']) gauge({ __name__: 'queue_depth', queue }, full((phase++ * 2250) % 15_000), 0, 8, 2, true);
  // A gauge that stops at minute 30, one with gaps longer than the lookback delta, one starting at minute 45.
  gauge({ __name__: 'stopping_gauge', instance: 'i0' }, { fromMs: 0, toMs: 30 * min, phaseMs: 2000 }, 0, 100, 10);
  gauge({ __name__: 'sparse_gauge', id: 's0' }, { fromMs: 0, toMs: SPAN_MS, phaseMs: 500, gaps: [[12 * min, 25 * min], [50 * min, 57 * min]] }, 0, 10, 1);
  gauge({ __name__: 'late_gauge', id: 'l0' }, { fromMs: 45 * min, toMs: SPAN_MS, phaseMs: 4000 }, 0, 10, 1);

  // up and build_info for vector matching.
  for (const [i, instance] of ['i0', 'i1', 'i2'].entries()) {
    const t = times(start, full(1000 + i * 3000), rnd);
    series.push({ labels: { __name__: 'up', job: 'api', instance }, t, v: t.map((_, k) => (instance === 'i2' && k % 40 > 30 ? 0 : 1)) });
    const tb = times(start, full(2000 + i * 3000), rnd);
    series.push({ labels: { __name__: 'build_info', job: 'api', instance, version: i === 2 ? '1.3.0' : '1.2.3' }, t: tb, v: tb.map(() => 1) });
  }

  // Classic histograms: cumulative buckets, _sum and _count.
  const bounds = ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];
  const histogram = (name: string, labels: Labels, sched: Schedule, broken: boolean) => {
    const t = times(start, sched, rnd);
    const buckets = bounds.map(() => [] as number[]);
    const sums: number[] = [];
    const counts = new Array<number>(bounds.length).fill(0);
    let sum = 0;
    for (let i = 0; i < t.length; i++) {
      const n = Math.floor(rnd() * 30);
      for (let k = 0; k < n; k++) {
        const obs = Math.exp(rnd() * 4 - 3.5);
        sum += obs;
        for (let b = 0; b < bounds.length; b++) if (b === bounds.length - 1 || obs <= Number(bounds[b])) counts[b]++;
      }
      for (let b = 0; b < bounds.length; b++) {
        // The broken histogram's 0.25 bucket sometimes exceeds its 0.5 bucket (Prometheus' monotonicity fix).
        const skew = broken && b === 2 && i % 7 === 3 ? 2 : 0;
        buckets[b].push(counts[b] + skew);
      }
      sums.push(r3(sum));
    }
    bounds.forEach((le, b) => series.push({ labels: { __name__: `${name}_bucket`, ...labels, le }, t, v: buckets[b] }));
    series.push({ labels: { __name__: `${name}_sum`, ...labels }, t, v: sums });
    series.push({ labels: { __name__: `${name}_count`, ...labels }, t, v: buckets[bounds.length - 1] });
  };
  histogram('request_duration_seconds', { job: 'api', instance: 'i0' }, full(500), false);
  histogram('request_duration_seconds', { job: 'api', instance: 'i1' }, full(8250), false);
  histogram('broken_duration_seconds', { job: 'api', instance: 'i0' }, full(5000), true);

  // NaN samples inside an otherwise normal gauge.
  {
    const t = times(start, full(6000), rnd);
    series.push({ labels: { __name__: 'nan_gauge', instance: 'i0' }, t, v: t.map((_, k) => (k % 25 === 10 ? NaN : r3(rnd() * 10))) });
    const t2 = times(start, full(6500), rnd);
    series.push({ labels: { __name__: 'nan_gauge', instance: 'i1' }, t: t2, v: t2.map(() => r3(rnd() * 10)) });
  }

  let end = start;
  for (const s of series) end = Math.max(end, s.t[s.t.length - 1]);
  return { start, end, series };
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The data set as OpenMetrics text (timestamps in seconds, no metadata, `# EOF`), for promtool's backfill. */
export function toOpenMetrics(ds: Dataset): string {
  const lines: string[] = [];
  for (const s of ds.series) {
    const { __name__: name, ...rest } = s.labels;
    const labelText = Object.keys(rest).sort().map((k) => `${k}="${escapeLabel(rest[k])}"`).join(',');
    const prefix = labelText ? `${name}{${labelText}}` : name;
    for (let i = 0; i < s.t.length; i++) lines.push(`${prefix} ${formatValue(s.v[i])} ${s.t[i] / 1000}`);
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

/** Appends every sample to a Lookout store; throws when one is refused (the data set must load whole). */
export function loadInto(ds: Dataset, app: Appender): void {
  for (const s of ds.series) {
    for (let i = 0; i < s.t.length; i++) {
      if (!app.append(s.labels, s.t[i], s.v[i])) throw new Error(`store refused ${JSON.stringify(s.labels)} @${s.t[i]}`);
    }
  }
}
