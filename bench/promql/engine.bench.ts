/**
 * PromQL benchmark: a few hundred typical alerting/recording rule
 * expressions, evaluated as instant queries (what the rule manager does
 * each interval) over a store of ~100 000 series holding an hour of data.
 * Also one dashboard-style range query. Run: npx tsx bench/promql/engine.bench.ts
 * Not part of npm test.
 */
import { MemoryStore } from '../../agent/store/memory-store';
import { createEngine } from '../../agent/promql/engine';
import { CODES, FAMILIES, fill, ROUTES, seriesLabels } from '../store/synthetic';

function ruleExpressions(): { kind: string; expr: string }[] {
  const out: { kind: string; expr: string }[] = [];
  const counters = Array.from({ length: FAMILIES }, (_, f) => f).filter((f) => f % 5 !== 4);
  const gauges = Array.from({ length: FAMILIES }, (_, f) => f).filter((f) => f % 5 === 4);
  for (const f of counters) {
    const m = `app_requests_${f}_total`;
    out.push({ kind: 'sum by route of rate (2000 series)', expr: `sum by (http_route) (rate(${m}[5m]))` });
    out.push({ kind: 'error ratio alert (2000 series)', expr: `sum(rate(${m}{http_response_status_code=~"5.."}[5m])) / sum(rate(${m}[5m])) > 0.05` });
    out.push({ kind: 'selective rate (10 series)', expr: `rate(${m}{http_route="/api/v1/resource${f % ROUTES}"}[5m]) > 1` });
    out.push({ kind: 'increase over 1h (2000 series)', expr: `sum without (http_request_method) (increase(${m}[1h]))` });
    out.push({ kind: 'absent', expr: `absent(${m}{http_route="/nope"})` });
    out.push({ kind: 'topk of rates', expr: `topk(5, sum by (http_route) (rate(${m}{http_response_status_code="${CODES[f % CODES.length]}"}[5m])))` });
  }
  for (const f of gauges) {
    out.push({ kind: 'avg_over_time threshold (2000 series)', expr: `avg_over_time(app_gauge_${f}[10m]) > 50` });
    out.push({ kind: 'gauge comparison with matching', expr: `app_gauge_${f} > on (http_route, http_response_status_code) group_left app_gauge_${(f + 5) % FAMILIES}` });
  }
  for (let i = 0; i < 20; i++) {
    out.push({ kind: 'histogram_quantile (2400 buckets)', expr: `histogram_quantile(0.${90 + (i % 10)}, sum by (le, http_route) (rate(app_latency_seconds_bucket[5m])))` });
  }
  for (let i = 0; i < 5; i++) {
    out.push({ kind: 'subquery max of rate (10 series x 16 steps)', expr: `max_over_time(rate(app_requests_${i}_total{http_route="/api/v1/resource${i}"}[5m])[15m:1m])` });
  }
  return out;
}

export async function run(): Promise<void> {
  const labels = seriesLabels(true);
  const end = 1_700_000_000_000;
  const interval = Number(process.env.BENCH_INTERVAL_MS ?? 15_000);
  const samples = Math.floor(3600_000 / interval);
  const store = new MemoryStore({ maxSeries: labels.length, now: () => end });
  fill(store, labels, samples, interval, end);
  console.log(`store: ${store.seriesCount} series, ${samples} samples each (every ${interval / 1000}s)`);
  const engine = createEngine(store);
  const rules = ruleExpressions();

  // One warm-up pass (JIT, regex caches), then the measured pass.
  for (const r of rules) engine.instantQuery(r.expr, end);
  const perKind = new Map<string, { n: number; ms: number }>();
  const t0 = process.hrtime.bigint();
  for (const r of rules) {
    const s = process.hrtime.bigint();
    engine.instantQuery(r.expr, end);
    const ms = Number(process.hrtime.bigint() - s) / 1e6;
    const k = perKind.get(r.kind) ?? { n: 0, ms: 0 };
    k.n++;
    k.ms += ms;
    perKind.set(r.kind, k);
  }
  const total = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${rules.length} rule expressions, instant evaluation: ${total.toFixed(0)} ms total`);
  for (const [kind, { n, ms }] of perKind) console.log(`  ${kind.padEnd(46)} x${String(n).padStart(3)}: ${(ms / n).toFixed(2)} ms each`);

  // The same pass through the cooperative path the agent uses (event-loop turns every slice).
  const a0 = process.hrtime.bigint();
  for (const r of rules) await engine.instantQueryAsync(r.expr, end);
  const asyncTotal = Number(process.hrtime.bigint() - a0) / 1e6;
  console.log(`same, cooperative (instantQueryAsync, 10 ms slices): ${asyncTotal.toFixed(0)} ms total (${((asyncTotal / total - 1) * 100).toFixed(0)} % over synchronous)`);

  const r0 = process.hrtime.bigint();
  const res = engine.rangeQuery('sum by (http_route) (rate(app_requests_0_total[5m]))', end - 3600_000 + 300_000, end, 15_000);
  const rangeMs = Number(process.hrtime.bigint() - r0) / 1e6;
  const points = res.resultType === 'matrix' ? res.result.reduce((n, s) => n + s.points.length, 0) : 0;
  console.log(`range query (1h at 15s step, 2000 series -> ${points} points): ${rangeMs.toFixed(0)} ms`);
  const c0 = process.hrtime.bigint();
  await engine.rangeQueryAsync('sum by (http_route) (rate(app_requests_0_total[5m]))', end - 3600_000 + 300_000, end, 15_000);
  console.log(`same, cooperative: ${(Number(process.hrtime.bigint() - c0) / 1e6).toFixed(0)} ms`);
}

if (require.main === module) run().catch((err) => { console.error(err); process.exitCode = 1; });
