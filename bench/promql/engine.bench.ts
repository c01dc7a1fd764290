/**
 * PromQL benchmark: a few hundred typical alerting/recording rule
 * expressions, evaluated as instant queries (what the rule manager does
 * each interval) over a store of ~100 000 series holding an hour of data.
 * Also one dashboard-style range query. Run: npx tsx bench/promql/engine.bench.ts
 * Not part of npm test.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parse as parseYaml } from 'yaml';
import { MemoryStore } from '../../agent/store/memory-store';
import { findDefaultPackPath } from '../../agent/rules/default-pack';
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

/** The expressions of the default rule pack Lookout ships (deploy/rules/lookout-default.rules.yaml). */
function defaultPackExpressions(): string[] {
  const doc = parseYaml(readFileSync(findDefaultPackPath(), 'utf8')) as { groups: { rules: { expr: string }[] }[] };
  return doc.groups.flatMap((g) => g.rules.map((r) => r.expr));
}

/** 300 user rules: the 285 typical expressions plus 15 more of the expensive kinds. */
function userRules(): string[] {
  const out = ruleExpressions().map((r) => r.expr);
  for (let i = 0; out.length < 300; i++) {
    out.push(i % 2 === 0
      ? `histogram_quantile(0.5, sum by (le) (rate(app_latency_seconds_bucket{http_route=~"/api/v1/resource${i}.*"}[5m])))`
      : `sum by (http_response_status_code) (increase(app_requests_${i % 40}_total[30m]))`);
  }
  return out;
}

/**
 * Issue 13 item 5: the default pack plus 300 user rules over ~100 000 series
 * at 15 s resolution, evaluated every 15 s through the cooperative path the
 * rule manager uses, while an ingest load appends the next sample of every
 * series in the same process (100 000 samples per 15 s, in batches every
 * 50 ms, as OTLP requests would arrive). Prints each round's evaluation
 * time against the 15 s interval, and the ingest actually achieved.
 */
async function rulesUnderIngest(store: MemoryStore, labels: ReturnType<typeof seriesLabels>, clock: { t: number }, interval: number): Promise<void> {
  const engine = createEngine(store, { now: () => clock.t });
  const rules = [...defaultPackExpressions(), ...userRules()];
  const rounds = Number(process.env.BENCH_RULE_ROUNDS ?? 3);
  const counters = new Float64Array(labels.length).fill(1e6);
  // The store holds samples up to clock.t: the first tick moves on to the next scrape time.
  let next = labels.length;
  let appended = 0;
  // Ingest: every 50 ms, whatever share of one 15 s scrape of every series has come due since the start
  // (a late tick catches up, as queued OTLP requests would); the gaps between ticks show how long
  // ingestion waited for the event loop.
  const perMs = labels.length / interval;
  const ingestStart = performance.now();
  let lastTick = ingestStart;
  let gaps: number[] = [];
  const ticker = setInterval(() => {
    const now = performance.now();
    gaps.push(now - lastTick);
    lastTick = now;
    const due = Math.floor((now - ingestStart) * perMs) - appended;
    for (let k = 0; k < due; k++) {
      if (next === labels.length) {
        next = 0;
        clock.t += interval;
      }
      const i = next++;
      counters[i] += 1 + (i % 7);
      store.append(labels[i], clock.t, labels[i].__name__.startsWith('app_gauge') ? (i % 100) : counters[i]);
      appended++;
    }
  }, 50);
  console.log(`rules: ${rules.length} (default pack ${rules.length - 300} + 300 user rules), every ${interval / 1000}s, ingest ${(labels.length / (interval / 1000)).toFixed(0)} samples/s in 50 ms batches`);
  try {
    for (let r = 0; r < rounds; r++) {
      const a0 = appended;
      gaps = [];
      const w0 = performance.now();
      const c0 = process.cpuUsage();
      let failed = 0;
      for (const expr of rules) {
        try {
          await engine.instantQueryAsync(expr, clock.t);
        } catch {
          failed++;
        }
      }
      const ms = performance.now() - w0;
      const cpu = process.cpuUsage(c0);
      const rate = ((appended - a0) / ms) * 1000;
      gaps.sort((x, y) => x - y);
      const gapText = gaps.length ? `ingest tick gap p50 ${gaps[gaps.length >> 1].toFixed(0)} ms, max ${gaps[gaps.length - 1].toFixed(0)} ms (50 ms nominal)` : 'no ingest tick ran';
      console.log(`  round ${r + 1}: all rules in ${(ms / 1000).toFixed(2)} s of the ${interval / 1000} s interval (${(ms / interval * 100).toFixed(0)} %), `
        + `process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s incl. ingest; ingest ${rate.toFixed(0)} samples/s, ${gapText}${failed ? `; ${failed} rules FAILED` : ''}; `
        + `load average ${os.loadavg()[0].toFixed(1)}`);
    }
  } finally {
    clearInterval(ticker);
  }
}

export async function run(): Promise<void> {
  const labels = seriesLabels(true);
  const end = 1_700_000_000_000;
  const interval = Number(process.env.BENCH_INTERVAL_MS ?? 15_000);
  const samples = Math.floor(3600_000 / interval);
  const clock = { t: end };
  const store = new MemoryStore({ maxSeries: labels.length * 2, now: () => clock.t });
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
  const points = res.resultType === 'matrix' ? res.result.reduce((n, s) => n + s.t.length, 0) : 0;
  console.log(`range query (1h at 15s step, 2000 series -> ${points} points): ${rangeMs.toFixed(0)} ms`);
  const c0 = process.hrtime.bigint();
  await engine.rangeQueryAsync('sum by (http_route) (rate(app_requests_0_total[5m]))', end - 3600_000 + 300_000, end, 15_000);
  console.log(`same, cooperative: ${(Number(process.hrtime.bigint() - c0) / 1e6).toFixed(0)} ms`);

  await rulesUnderIngest(store, labels, clock, interval);
}

if (require.main === module) run().catch((err) => { console.error(err); process.exitCode = 1; });
