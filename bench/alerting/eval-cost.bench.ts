/**
 * CPU cost of rule evaluation at the agent's default evaluation_interval:
 * the whole default rule pack (deploy/rules) evaluated over a store of
 * ~100 000 spanmetrics-shaped series holding 30 minutes of samples 15 s
 * apart (10 services x 250 span names x 2 kinds x 2 status codes: calls,
 * duration sum/count and 7 buckets each, plus log counts and runtime
 * gauges). Prints the median wall time of one full evaluation and what it
 * costs as a share of one core at 1 s, 5 s and 15 s intervals.
 *   npx tsx bench/alerting/eval-cost.bench.ts      (BENCH_EVALS=20 by default)
 * Not part of npm test.
 */
import { createEngine } from '../../agent/promql';
import { Group } from '../../agent/rules/group';
import { findDefaultPackPath } from '../../agent/rules/default-pack';
import { readRuleFile } from '../../agent/rules/load';
import { engineQueryFunc, engineTemplateQueryFunc } from '../../agent/rules/query-func';
import { MemoryStore } from '../../agent/store/memory-store';
import type { Labels } from '../../agent/store/types';

const SERVICES = 10;
const SPANS = 250;
const BUCKETS = ['0.005', '0.05', '0.25', '1', '2.5', '10', '+Inf'];

function labels(): Labels[] {
  const out: Labels[] = [];
  for (let s = 0; s < SERVICES; s++) {
    const base = { service_name: `svc${s}`, job: `shop/svc${s}`, instance: `pod-${s}` };
    for (let n = 0; n < SPANS; n++) {
      for (const span_kind of ['SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT']) {
        for (const status_code of ['STATUS_CODE_UNSET', 'STATUS_CODE_ERROR']) {
          const l = { ...base, span_name: `GET /r${n}`, span_kind, status_code };
          out.push({ __name__: 'traces_span_metrics_calls_total', ...l });
          out.push({ __name__: 'traces_span_metrics_duration_seconds_sum', ...l });
          out.push({ __name__: 'traces_span_metrics_duration_seconds_count', ...l });
          for (const le of BUCKETS) out.push({ __name__: 'traces_span_metrics_duration_seconds_bucket', ...l, le });
        }
      }
    }
    for (const sev of ['INFO', 'WARN', 'ERROR']) out.push({ __name__: 'log_records_total', service_name: `svc${s}`, severity_text: sev });
    out.push({ __name__: 'nodejs_eventloop_delay_p99_seconds', ...base });
  }
  return out;
}

export async function run(): Promise<void> {
  const evals = Number(process.env.BENCH_EVALS ?? 20);
  const series = labels();
  const store = new MemoryStore({ maxSeries: 1_000_000 });
  const end = 1_700_000_000_000;
  const step = 15_000;
  const samples = 120;
  const t0 = Date.now();
  const totals = new Float64Array(series.length);
  for (let k = 0; k < samples; k++) {
    const t = end - (samples - 1 - k) * step;
    for (let i = 0; i < series.length; i++) {
      const l = series[i];
      const isError = l.status_code === 'STATUS_CODE_ERROR';
      if (l.__name__.startsWith('nodejs_')) { store.append(l, t, 0.01); continue; }
      totals[i] += isError ? (k % 7 === 0 ? 1 : 0) : 20 + (i % 5) + (l.le ? BUCKETS.indexOf(l.le) : 0);
      store.append(l, t, totals[i]);
    }
  }
  console.log(`store: ${series.length} series x ${samples} samples (${step / 1000}s apart) filled in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const { groups: specs, problems } = readRuleFile(findDefaultPackPath());
  if (problems.length) throw new Error(problems.join('\n'));
  const engine = createEngine(store);
  const deps = { query: engineQueryFunc(engine), templateQuery: engineTemplateQueryFunc(engine), appender: store, notify: () => {}, deadlineMs: Infinity };
  const groups = specs.map((s) => new Group(s, { interval: 5_000, externalLabels: {}, externalURL: '', resendDelay: 60_000 }));
  const rules = groups.reduce((n, g) => n + g.rules.length, 0);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < evals + 2; i++) {
    const ts = end + i * 5_000;
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    for (const g of groups) await g.eval(ts, deps);
    const wall = performance.now() - w0;
    const c = process.cpuUsage(c0);
    if (i >= 2) { times.push(wall); cpu.push((c.user + c.system) / 1000); } // two warm-up rounds
  }
  for (const g of groups) for (const r of g.rules) if (r.health === 'err') console.log(`  rule ${r.name}: ${r.lastError}`);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = med(times);
  const cpuMs = med(cpu);
  console.log(`default pack: ${groups.length} groups, ${rules} rules; one evaluation: median ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU (${evals} runs)`);
  for (const interval of [1, 2, 5, 15]) {
    console.log(`  evaluation_interval ${interval}s: ${((cpuMs / (interval * 1000)) * 100).toFixed(1)} % of one core`);
  }
}

if (require.main === module) run().catch((err) => { console.error(err); process.exitCode = 1; });
