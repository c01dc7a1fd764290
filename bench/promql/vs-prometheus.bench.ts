/**
 * PromQL against a real Prometheus 2.42 on the same data (issue 13, item 3):
 * a fixed set of instant and range queries over 10 000 counter series and
 * 1 000 histogram buckets (2 h at 15 s). Every query's answers are compared
 * for equality (compatibility suite's comparison: labels exactly, values to
 * 1e-9) in the same run, then timed: runs interleaved (Lookout, Prometheus,
 * alternating who goes first), medians printed side by side with the ratio.
 *
 * Times: Lookout's is the engine's cooperative path as the HTTP API calls it
 * (rangeQueryAsync/instantQueryAsync, 10 ms slices), without JSON encoding;
 * Prometheus' is its own engine time (`stats=all`: execTotalTime = queue +
 * prepare + eval + result sort), also without JSON encoding. Its HTTP wall
 * time is printed for reference. On a shared machine wall times favour
 * Prometheus (its engine and GC use both cores, so it gets more of a busy
 * machine), so CPU time is printed too: Lookout's process CPU around the
 * query; Prometheus' from /proc (10 ms ticks), which includes its JSON
 * encoding (large only for the 1 000-series range query).
 *
 * Run: npx tsx bench/promql/vs-prometheus.bench.ts
 *   BENCH_PROM_RUNS (5) runs per query and side; BENCH_PROM_SERIES (10000) counters;
 *   BENCH_PROM_ONLY=<substring of a query name> to time a few.
 * Skipped (with a message) when /usr/bin/prometheus or promtool is missing.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { MemoryStore } from '../../agent/store/memory-store';
import { createEngine } from '../../agent/promql/engine';
import type { QueryValue } from '../../agent/promql/types';
import { findPrometheus, PrometheusServer, type PromApiResult } from '../../test/compat/prometheus/prometheus-server';
import { diff, normalizeLookout, normalizeProm } from '../../test/compat/prometheus/compare';
import { benchSeries, fillStore, prometheusBlocks, SCRAPE_MS, T0, T_END } from './prometheus-dataset';

interface BenchQuery { name: string; expr: string; range?: number; ordered?: boolean }

const HOUR = 3600_000;

/** The fixed benchmark set; range queries cover the whole 2 h. */
export const QUERIES: BenchQuery[] = [
  { name: 'sum by job of rate', expr: 'sum by (job) (rate(bench_requests_total[5m]))' },
  { name: 'sum of rate', expr: 'sum(rate(bench_requests_total[5m]))' },
  { name: 'avg by route', expr: 'avg by (route) (bench_requests_total)' },
  { name: 'count by code', expr: 'count by (code) (bench_requests_total)' },
  { name: 'error ratio by job', expr: 'sum by (job) (rate(bench_requests_total{code="500"}[5m])) / sum by (job) (rate(bench_requests_total[5m]))' },
  { name: 'histogram_quantile', expr: 'histogram_quantile(0.99, sum by (le, route) (rate(bench_latency_seconds_bucket[5m])))' },
  { name: 'topk of rate', expr: 'topk(10, rate(bench_requests_total[5m]))', ordered: true },
  { name: 'increase[1h]', expr: 'sum by (job) (increase(bench_requests_total[1h]))' },
  { name: 'subquery of sum', expr: 'max_over_time(sum by (job) (rate(bench_requests_total[5m]))[1h:1m])' },
  { name: 'subquery per series', expr: 'max_over_time(rate(bench_requests_total{job="job1"}[5m])[30m:1m])' },
  { name: 'range 2h/15s sum by job', expr: 'sum by (job) (rate(bench_requests_total[5m]))', range: 15_000 },
  { name: 'range 2h/60s sum by job', expr: 'sum by (job) (rate(bench_requests_total[5m]))', range: 60_000 },
  { name: 'range 2h/15s per series (1000)', expr: 'rate(bench_requests_total{job="job1"}[5m])', range: 15_000 },
  { name: 'range 2h/60s histogram_quantile', expr: 'histogram_quantile(0.9, sum by (le, job) (rate(bench_latency_seconds_bucket[5m])))', range: 60_000 },
];

/** CPU seconds (user + system) the process has used so far, from /proc (clock ticks of 10 ms). */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Row { name: string; lookoutMs: number; promMs: number; promWallMs: number; ratio: number; lookoutCpuMs: number; promCpuMs: number; equal: boolean }

export async function run(): Promise<Row[]> {
  const bins = findPrometheus();
  if (!bins) {
    console.log('skipped: prometheus/promtool not installed (apt-get install -y prometheus)');
    return [];
  }
  const runs = Number(process.env.BENCH_PROM_RUNS ?? 5);
  const only = process.env.BENCH_PROM_ONLY;
  const series = benchSeries(Number(process.env.BENCH_PROM_SERIES ?? 10_000));
  const b0 = Date.now();
  const { dir, tsdb } = prometheusBlocks(bins, series);
  const blocksMs = Date.now() - b0;
  const store = new MemoryStore({ maxSeries: 1_000_000, now: () => T_END });
  fillStore(store, series);
  console.log(`data: ${store.seriesCount} series x ${SPAN_MS_TEXT} at ${SCRAPE_MS / 1000}s; blocks ${blocksMs > 1000 ? `made in ${(blocksMs / 1000).toFixed(0)} s` : 'cached'} (${dir})`);
  // Prometheus' own default limits, so neither side stops on its limits.
  const engine = createEngine(store, { maxSamples: 50_000_000, timeoutMs: 120_000 });
  const prom = await PrometheusServer.serve(bins, tsdb, dir, false, ['--query.max-samples=50000000', '--query.timeout=2m']);
  const rows: Row[] = [];
  try {
    const pid = prom.pid!;
    const promQuery = async (q: BenchQuery): Promise<{ res: PromApiResult; engineMs: number; wallMs: number; cpuMs: number }> => {
      const params = q.range
        ? `/api/v1/query_range?query=${encodeURIComponent(q.expr)}&start=${T0 / 1000}&end=${T_END / 1000}&step=${q.range / 1000}&stats=all`
        : `/api/v1/query?query=${encodeURIComponent(q.expr)}&time=${T_END / 1000}&stats=all`;
      const c = procCpuMs(pid);
      const s = performance.now();
      const res = await prom.get(params);
      const wallMs = performance.now() - s;
      const cpuMs = procCpuMs(pid) - c;
      const stats = res.status === 'success' ? (res.data as { stats?: { timings?: { execTotalTime?: number } } }).stats : undefined;
      return { res, wallMs, cpuMs, engineMs: stats?.timings?.execTotalTime !== undefined ? stats.timings.execTotalTime * 1000 : wallMs };
    };
    const lookoutQuery = async (q: BenchQuery): Promise<{ res: QueryValue; ms: number; cpuMs: number }> => {
      const c = process.cpuUsage();
      const s = performance.now();
      const res = q.range ? await engine.rangeQueryAsync(q.expr, T0, T_END, q.range) : await engine.instantQueryAsync(q.expr, T_END);
      const cpu = process.cpuUsage(c);
      return { res, ms: performance.now() - s, cpuMs: (cpu.user + cpu.system) / 1000 };
    };
    console.log(`${'query'.padEnd(34)} ${'Lookout'.padStart(9)} ${'Prometheus'.padStart(10)} ${'ratio'.padStart(6)}  ${'(Prom HTTP)'.padStart(11)}  ${'CPU: Lookout'.padStart(12)} ${'Prom'.padStart(8)} ${'ratio'.padStart(6)}  equal`);
    for (const q of QUERIES) {
      if (only && !q.name.includes(only)) continue;
      // Warm-up and the equality check.
      const p = await promQuery(q);
      const l = await lookoutQuery(q);
      const d = diff(normalizeProm(p.res), await normalizeLookout(() => l.res), q.ordered ?? false);
      const lt: number[] = [];
      const pt: number[] = [];
      const pw: number[] = [];
      const lc: number[] = [];
      const pc: number[] = [];
      for (let i = 0; i < runs; i++) {
        const order = i % 2 === 0 ? ['l', 'p'] : ['p', 'l'];
        for (const side of order) {
          if (side === 'l') {
            const r = await lookoutQuery(q);
            lt.push(r.ms);
            lc.push(r.cpuMs);
          } else {
            const r = await promQuery(q);
            pt.push(r.engineMs);
            pw.push(r.wallMs);
            pc.push(r.cpuMs);
          }
        }
      }
      const row: Row = { name: q.name, lookoutMs: median(lt), promMs: median(pt), promWallMs: median(pw), ratio: median(lt) / median(pt), lookoutCpuMs: median(lc), promCpuMs: median(pc), equal: d === undefined };
      rows.push(row);
      console.log(`${q.name.padEnd(34)} ${fmt(row.lookoutMs).padStart(9)} ${fmt(row.promMs).padStart(10)} ${(row.ratio.toFixed(2) + 'x').padStart(6)}  ${fmt(row.promWallMs).padStart(11)}  ${fmt(row.lookoutCpuMs).padStart(12)} ${fmt(row.promCpuMs).padStart(8)} ${(row.lookoutCpuMs / Math.max(row.promCpuMs, 1)).toFixed(2).padStart(5)}x  ${d === undefined ? 'yes' : `NO: ${d.slice(0, 300)}`}`);
    }
  } finally {
    await prom.stop();
  }
  const worst = rows.reduce((m, r) => Math.max(m, r.ratio), 0);
  const unequal = rows.filter((r) => !r.equal).length;
  console.log(`load average during the run: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  console.log(`target <= 1x Prometheus on every query: worst ${worst.toFixed(2)}x${unequal ? `; ${unequal} answers DIFFER` : '; all answers equal'} (medians of ${runs}, interleaved)`);
  return rows;
}

const SPAN_MS_TEXT = `${(T_END - T0) / HOUR} h`;

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

if (require.main === module) run().catch((err) => { console.error(err); process.exitCode = 1; });
