/**
 * Deterministic test data for the PromQL comparison: counters (with resets,
 * late starts, early ends), gauges (random walks, negative values, NaN and
 * infinities), classic histograms (one with non-monotonic buckets), sparse
 * series with gaps longer than the lookback, info metrics for group_left.
 * The same samples go to Prometheus (as OpenMetrics) and to a MemoryStore.
 */
import type { Labels } from '../../../agent/store/types';
import type { MemoryStore } from '../../../agent/store';

export interface Series { labels: Labels; t: number[]; v: number[] }

/** Data starts here: 2023-11-14T22:13:20Z. */
export const T0 = 1_700_000_000_000;
export const MINUTE = 60_000;
export const DATA_END = T0 + 120 * MINUTE;
const STEP = 15_000;

/** mulberry32: a tiny seeded PRNG, so every run (and Prometheus) sees the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Scrape times every 15 s with jitter in quarter seconds (exact in binary, so seconds<->ms round-trips). */
function scrapeTimes(rnd: () => number, from: number, to: number, every = STEP): number[] {
  const out: number[] = [];
  for (let t = from; t <= to; t += every) out.push(t + Math.floor(rnd() * 9) * 250);
  return out;
}

function counter(rnd: () => number, labels: Labels, times: number[], opts: { start?: number; resetsAt?: number[]; fractional?: boolean } = {}): Series {
  let v = opts.start ?? Math.floor(rnd() * 1000);
  const values: number[] = [];
  for (const t of times) {
    if (opts.resetsAt?.some((r) => t >= r && t < r + STEP)) v = Math.floor(rnd() * 5);
    else v += opts.fractional ? Math.round(rnd() * 80) / 4 : Math.floor(rnd() * 20);
    values.push(v);
  }
  return { labels, t: times, v: values };
}

function gauge(rnd: () => number, labels: Labels, times: number[], base: number, spread: number): Series {
  let v = base;
  return { labels, t: times, v: times.map(() => (v += (rnd() - 0.5) * spread)) };
}

export function fixedDataset(): Series[] {
  const rnd = prng(20240601);
  const out: Series[] = [];
  const full = (): number[] => scrapeTimes(rnd, T0, DATA_END);

  for (const job of ['api', 'web']) {
    for (const instance of ['i0', 'i1', 'i2']) {
      for (const code of ['200', '500']) {
        const labels = { __name__: 'http_requests_total', job, instance, code };
        let times = full();
        if (job === 'web' && instance === 'i0' && code === '500') times = scrapeTimes(rnd, T0 + 40 * MINUTE, DATA_END);
        if (job === 'api' && instance === 'i2' && code === '500') times = times.filter((t) => t <= T0 + 100 * MINUTE);
        const resetsAt = job === 'api' && instance === 'i1' && code === '200' ? [T0 + 50 * MINUTE]
          : job === 'web' && instance === 'i2' && code === '500' ? [T0 + 33 * MINUTE, T0 + 81 * MINUTE] : [];
        out.push(counter(rnd, labels, times, { resetsAt, fractional: code === '500', start: instance === 'i0' ? 0 : undefined }));
      }
    }
  }
  for (const instance of ['i0', 'i1', 'i2']) {
    out.push(gauge(rnd, { __name__: 'node_memory_bytes', instance }, full(), 5e8 + rnd() * 1e8, 2e6));
    out.push({ labels: { __name__: 'up', job: 'api', instance }, t: full(), v: [] });
  }
  for (const s of out) if (s.labels.__name__ === 'up') s.v = s.t.map((t) => (s.labels.instance === 'i2' && t > T0 + 90 * MINUTE ? 0 : 1));

  const rooms = ['kitchen', 'lab', 'office', 'garage'];
  rooms.forEach((room, i) => {
    out.push(gauge(rnd, { __name__: 'temperature_celsius', room }, full(), 5 + i * 6, 1.5));
    if (room !== 'garage') out.push({ labels: { __name__: 'room_info', room, floor: String(1 + (i % 2)) }, t: full(), v: [] });
  });
  for (const s of out) if (s.labels.__name__ === 'room_info') s.v = s.t.map(() => 1);

  const bounds = ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];
  for (const name of ['request_duration_seconds', 'glitchy_duration_seconds']) {
    for (const job of ['api', 'web']) {
      const times = full();
      const cumulative = bounds.map(() => 0);
      const buckets = bounds.map(() => [] as number[]);
      const sums: number[] = [];
      let sum = 0;
      times.forEach((_, ti) => {
        const n = Math.floor(rnd() * 30);
        for (let k = 0; k < n; k++) {
          const obs = rnd() ** 2 * 3;
          sum += obs;
          bounds.forEach((b, bi) => { if (obs <= Number(b === '+Inf' ? Infinity : b)) cumulative[bi]++; });
        }
        bounds.forEach((_, bi) => {
          // The glitchy histogram under-reports one bucket now and then, breaking monotonicity.
          const glitch = name === 'glitchy_duration_seconds' && bi === 2 && ti % 7 === 3 ? -Math.min(cumulative[bi], 5) : 0;
          buckets[bi].push(cumulative[bi] + glitch);
        });
        sums.push(sum);
      });
      bounds.forEach((le, bi) => out.push({ labels: { __name__: `${name}_bucket`, job, le }, t: times, v: buckets[bi] }));
      out.push({ labels: { __name__: `${name}_sum`, job }, t: times, v: sums });
      out.push({ labels: { __name__: `${name}_count`, job }, t: times, v: buckets[bounds.length - 1].slice() });
    }
  }

  // Gaps longer than the 5 m lookback.
  const sparse: number[] = [];
  for (let t = T0; t <= DATA_END; t += (1 + Math.floor(rnd() * 9)) * MINUTE) sparse.push(t);
  out.push({ labels: { __name__: 'sparse_gauge', id: '1' }, t: sparse, v: sparse.map(() => Math.round(rnd() * 100)) });

  const special = [1, NaN, Infinity, -Infinity, 0, 2.5];
  for (const kind of ['nan', 'inf', 'neginf', 'mixed']) {
    const times = full();
    const v = times.map((_, i) => (kind === 'nan' ? NaN : kind === 'inf' ? Infinity : kind === 'neginf' ? -Infinity : special[i % special.length]));
    out.push({ labels: { __name__: 'weird_values', kind }, t: times, v });
  }
  out.push(gauge(rnd, { __name__: 'dup_a', x: '1' }, full(), 10, 1));
  out.push(gauge(rnd, { __name__: 'dup_b', x: '1' }, full(), 20, 1));
  const info = full();
  out.push({ labels: { __name__: 'version_info', version: '1.2.3', service: 'checkout-api' }, t: info, v: info.map(() => 1) });
  for (const deployment of ['a', 'b', 'c', 'd']) {
    const times = full();
    out.push({ labels: { __name__: 'replicas', deployment }, t: times, v: times.map((_, i) => 1 + ((i + deployment.charCodeAt(0)) % 3)) });
  }
  for (const host of ['h1', 'h2']) {
    const times = full();
    out.push({ labels: { __name__: 'last_seen_seconds', host }, t: times, v: times.map((t) => Math.floor(t / 1000) - (host === 'h1' ? 86400 * 40 : 3600 * 7)) });
  }
  return out;
}

/** Random series for property tests: irregular intervals, gaps, resets; all names start with rnd_. */
export function randomDataset(seed: number): Series[] {
  const rnd = prng(seed);
  const out: Series[] = [];
  for (let idx = 0; idx < 5; idx++) {
    for (const kind of ['counter', 'gauge']) {
      const t: number[] = [];
      const v: number[] = [];
      let time = T0 + Math.floor(rnd() * 20) * MINUTE;
      const end = DATA_END - Math.floor(rnd() * 20) * MINUTE;
      let value = kind === 'counter' ? Math.floor(rnd() * 100) : (rnd() - 0.5) * 100;
      while (time <= end) {
        t.push(time);
        v.push(value);
        const gap = rnd() < 0.03 ? (6 + Math.floor(rnd() * 10)) * MINUTE : (5 + Math.floor(rnd() * 56)) * 1000 + Math.floor(rnd() * 4) * 250;
        time += gap;
        if (kind === 'counter') value = rnd() < 0.02 ? Math.floor(rnd() * 3) : value + Math.floor(rnd() * 50) / 2;
        else value += (rnd() - 0.5) * 20;
      }
      out.push({ labels: { __name__: `rnd_${kind}`, idx: String(idx), grp: idx % 2 === 0 ? 'a' : 'b' }, t, v });
    }
  }
  return out;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** OpenMetrics text (timestamps in seconds), families kept together, ending with # EOF. */
export function toOpenMetrics(series: Series[]): string {
  const byName = new Map<string, Series[]>();
  for (const s of series) {
    const name = s.labels.__name__;
    if (!byName.has(name)) byName.set(name, []);
    byName.get(name)!.push(s);
  }
  const lines: string[] = [];
  for (const [name, list] of byName) {
    for (const s of list) {
      const labelText = Object.keys(s.labels).filter((n) => n !== '__name__').sort()
        .map((n) => `${n}="${escapeLabelValue(s.labels[n])}"`).join(',');
      for (let i = 0; i < s.t.length; i++) lines.push(`${name}{${labelText}} ${formatValue(s.v[i])} ${s.t[i] / 1000}`);
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

export function loadInto(store: MemoryStore, series: Series[]): void {
  for (const s of series) {
    for (let i = 0; i < s.t.length; i++) {
      if (!store.append(s.labels, s.t[i], s.v[i])) throw new Error(`store refused ${JSON.stringify(s.labels)} at ${s.t[i]}`);
    }
  }
}
