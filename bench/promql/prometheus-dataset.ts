/**
 * The data set of the PromQL-vs-Prometheus benchmark: 10 000 counter series
 * (10 jobs x 50 instances x 10 routes x 2 codes) and 1 000 classic histogram
 * buckets (10 jobs x 10 routes x 10 `le`), two hours at 15 s. The same
 * samples go to a MemoryStore and, as OpenMetrics, through
 * `promtool tsdb create-blocks-from openmetrics` to Prometheus. The blocks
 * are cached in the temp directory (keyed by the data set's shape), so
 * only the first run pays for promtool.
 */
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Labels } from '../../agent/store/types';
import type { MemoryStore } from '../../agent/store/memory-store';
import { createBlocks, type PrometheusBinaries } from '../../test/compat/prometheus/prometheus-server';
import { prng } from '../../test/compat/prometheus/dataset';

/** 2023-11-14T22:13:20Z, as in the compatibility suite. */
export const T0 = 1_700_000_000_000;
export const SPAN_MS = 2 * 3600_000;
export const T_END = T0 + SPAN_MS;
export const SCRAPE_MS = 15_000;
const LE = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];

export interface BenchSeries { labels: Labels; name: string; labelText: string; offsetMs: number; seed: number; kind: 'counter' | 'bucket'; le: number }

/** The series (counters scaled down when `counters` < 10 000, for quick runs). */
export function benchSeries(counters = 10_000): BenchSeries[] {
  const out: BenchSeries[] = [];
  const instances = Math.max(1, Math.round(counters / 200));
  let seed = 1;
  for (let j = 0; j < 10; j++) {
    for (let i = 0; i < instances; i++) {
      for (let r = 0; r < 10; r++) {
        for (const code of ['200', '500']) {
          const labels: Labels = { __name__: 'bench_requests_total', code, instance: `host-${i}:9090`, job: `job${j}`, route: `/api/r${r}` };
          out.push({ labels, name: labels.__name__, labelText: labelText(labels), offsetMs: (i % 12) * 1250, seed: seed++, kind: 'counter', le: 0 });
        }
      }
    }
  }
  for (let j = 0; j < 10; j++) {
    for (let r = 0; r < 10; r++) {
      LE.forEach((le, k) => {
        const labels: Labels = { __name__: 'bench_latency_seconds_bucket', job: `job${j}`, le, route: `/api/r${r}` };
        out.push({ labels, name: labels.__name__, labelText: labelText(labels), offsetMs: (j % 4) * 2500, seed: seed++, kind: 'bucket', le: k });
      });
    }
  }
  return out;
}

function labelText(l: Labels): string {
  return Object.keys(l).filter((n) => n !== '__name__').sort().map((n) => `${n}="${l[n]}"`).join(',');
}

/** Calls emit(t, v) for every sample of the series, oldest first (deterministic per series). */
function samplesOf(s: BenchSeries, emit: (t: number, v: number) => void): void {
  const rnd = prng(s.seed);
  let v = Math.floor(rnd() * 1000);
  // One counter in a hundred restarts half-way.
  const resetAt = s.kind === 'counter' && s.seed % 100 === 7 ? T0 + SPAN_MS / 2 : Infinity;
  for (let t = T0 + s.offsetMs; t <= T_END; t += SCRAPE_MS) {
    if (t >= resetAt && t < resetAt + SCRAPE_MS) v = 0;
    // Buckets: each observation-count step adds to this bucket and every higher one, so buckets stay cumulative.
    else v += s.kind === 'counter' ? Math.floor(rnd() * (s.labels.code === '500' ? 3 : 40)) : 5 * (s.le + 1) + Math.floor(rnd() * 3) * (s.le + 1);
    emit(t, v);
  }
}

export function fillStore(store: MemoryStore, series: BenchSeries[]): void {
  for (const s of series) {
    samplesOf(s, (t, v) => {
      if (!store.append(s.labels, t, v)) throw new Error(`store refused ${JSON.stringify(s.labels)} at ${t}`);
    });
  }
}

/** TSDB blocks holding the series, made with promtool on first use; returns the tsdb directory. */
export function prometheusBlocks(bins: PrometheusBinaries, series: BenchSeries[]): { dir: string; tsdb: string } {
  const dir = path.join(os.tmpdir(), `lookout-bench-promql-v1-${series.length}`);
  const tsdb = path.join(dir, 'tsdb');
  const marker = path.join(dir, 'complete');
  if (existsSync(marker)) return { dir, tsdb };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const omFile = path.join(dir, 'data.om');
  const fd = openSync(omFile, 'w');
  try {
    let buf = '';
    for (const s of series) {
      const prefix = `${s.name}{${s.labelText}} `;
      samplesOf(s, (t, v) => {
        buf += `${prefix}${v} ${t / 1000}\n`;
      });
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    writeSync(fd, buf + '# EOF\n');
  } finally {
    closeSync(fd);
  }
  createBlocks(bins, omFile, tsdb, 600_000);
  rmSync(omFile);
  writeFileSync(marker, new Date().toISOString());
  return { dir, tsdb };
}
