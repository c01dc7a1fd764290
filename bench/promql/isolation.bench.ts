/**
 * Issue 8's isolation figure against the real binary: the agent's OTLP
 * metrics capacity is measured first (four closed-loop senders, 500-point
 * requests, CAPACITY_SECONDS), then for BENCH_SECONDS (default 30; the
 * issue's run is 60) four clients loop on pathological queries (two on the
 * ReDoS selector, two on the 1 ms subquery, timeout=2s) while four
 * open-loop senders offer BENCH_LOAD_FACTOR (default 2) x that capacity on
 * a fixed schedule (bench/promql/otlp-load.ts: at most BENCH_MAX_IN_FLIGHT
 * open requests per sender, ticks beyond are "not sent"; Retry-After is
 * not honoured unless BENCH_HONOUR_RETRY_AFTER=1). /healthz is polled every
 * 10 ms by a separate process (so the bench's own busy event loop does not
 * inflate the figure). Reports /healthz p50/p99/max, the agent's own
 * event-loop delay p99 (its lookout_event_loop_delay_seconds histogram over
 * the run: less sensitive to other processes on the machine), OTLP
 * offered/accepted/refused, query outcomes, the agent's RSS, crashes and
 * how long SIGTERM takes.
 * Run: npm run build && BENCH_SECONDS=60 npx tsx bench/promql/isolation.bench.ts (the built agent,
 * with the image's NODE_OPTIONS; see run() for the variables that change that). Not part of npm test.
 */
import { spawn } from 'node:child_process';
import { startAgent } from '../../test/helpers/agent-process';
import { loadPathologicalSeries, REDOS_QUERY, SUBQUERY } from '../../test/helpers/pathological-load';
import { deploymentNodeArgs, deploymentNodeOptions } from '../limits/footprint.bench';
import { ENCODING, measureCapacity, openLoopSenders, POINTS_PER_REQUEST, type OpenLoopResult } from './otlp-load';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

function rssMb(pid: number): number {
  try {
    const status = require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8') as string;
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) the process used so far, from /proc/<pid>/stat (Linux). */
function cpuSeconds(pid: number): number {
  try {
    const stat = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8') as string;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Cumulative buckets of the agent's lookout_event_loop_delay_seconds histogram, by upper bound. */
async function eventLoopBuckets(adminUrl: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  const out = new Map<number, number>();
  for (const m of text.matchAll(/^lookout_event_loop_delay_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\} (\S+)$/gm)) {
    out.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  }
  return out;
}

/** histogram_quantile() over the difference of two bucket snapshots (linear within a bucket), in ms. */
function bucketQuantile(q: number, before: Map<number, number>, after: Map<number, number>): { ms: number; observations: number } {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const total = counts[counts.length - 1] ?? 0;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i] < rank) continue;
    const lo = i === 0 ? 0 : bounds[i - 1];
    const below = i === 0 ? 0 : counts[i - 1];
    if (bounds[i] === Infinity) return { ms: lo * 1000, observations: total };
    const inBucket = counts[i] - below;
    return { ms: (lo + (bounds[i] - lo) * (inBucket > 0 ? (rank - below) / inBucket : 1)) * 1000, observations: total };
  }
  return { ms: NaN, observations: total };
}

export async function run(seconds = Number(process.env.BENCH_SECONDS ?? 30)): Promise<void> {
  // The built agent with the image's V8 flags (deploy/Dockerfile NODE_OPTIONS and ENTRYPOINT), as it runs in a pod;
  // LOOKOUT_BENCH_NODE_OPTIONS overrides them ("" for node's defaults), LOOKOUT_BENCH_SOURCES=1 runs the sources under tsx,
  // LOOKOUT_BENCH_NODE_ARGS adds node flags (e.g. "--cpu-prof --trace-gc").
  const nodeOptions = process.env.LOOKOUT_BENCH_NODE_OPTIONS ?? deploymentNodeOptions();
  const imageArgs = process.env.LOOKOUT_BENCH_NODE_OPTIONS === undefined ? deploymentNodeArgs() : [];
  const nodeArgs = [...imageArgs, ...process.env.LOOKOUT_BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []];
  // LOOKOUT_BENCH_DIST: another build's dist/agent/cli/main.js (a before/after comparison in the same conditions).
  const built = process.env.LOOKOUT_BENCH_SOURCES !== '1';
  const dist = built && (process.env.LOOKOUT_BENCH_DIST || true);
  const agent = await startAgent({ log: { level: 'warn' }, service: { shutdown_timeout: '10s' } }, { nodeArgs, dist, env: { NODE_OPTIONS: nodeOptions } });
  console.log(`${built ? `built agent (${dist === true ? 'dist/' : dist})` : 'agent from sources (tsx)'}, NODE_OPTIONS="${nodeOptions}" node ${nodeArgs.join(' ')}`);
  try {
    await loadPathologicalSeries(agent);
    const only = process.env.BENCH_ONLY;
    const factor = Number(process.env.BENCH_LOAD_FACTOR ?? 2);
    // BENCH_CAPACITY (points/s) skips the measurement: the same offered load for two builds compared.
    const given = Number(process.env.BENCH_CAPACITY ?? 0);
    const capacity = only === 'queries' ? 0 : given || await measureCapacity(agent, Number(process.env.CAPACITY_SECONDS ?? 5));
    if (only !== 'queries') {
      console.log(`capacity (4 closed-loop senders, ${POINTS_PER_REQUEST}-point requests, OTLP only, ${ENCODING}): ${capacity.toFixed(0)} points/s accepted${given ? ' (given, BENCH_CAPACITY)' : ''}`);
    }
    const elBefore = await eventLoopBuckets(agent.adminUrl);
    const cpuBefore = cpuSeconds(agent.child.pid!);
    const until = Date.now() + seconds * 1000;
    let crashed = false;
    agent.child.once('exit', (code, signal) => { if (Date.now() < until) { crashed = true; console.log(`  agent exited during the run: ${code ?? signal}`); } });
    const outcomes: Record<string, number> = {};
    let otlp: OpenLoopResult | undefined;
    const healthz: number[] = [];
    let maxRss = 0;

    const queryClient = async (q: string) => {
      while (Date.now() < until) {
        const res = await fetch(`${agent.adminUrl}/api/v1/query?query=${encodeURIComponent(q)}&timeout=2s`);
        const body = await res.json() as { status: string; errorType?: string };
        const k = `${q.slice(0, 24)} -> ${res.status} ${body.errorType ?? 'success'}`;
        outcomes[k] = (outcomes[k] ?? 0) + 1;
      }
    };
    const poller = async () => {
      const script = `const until = Date.now() + ${seconds * 1000}; const out = [];
        (async () => { while (Date.now() < until) { const t0 = performance.now(); const r = await fetch(${JSON.stringify(agent.adminUrl + '/healthz')});
          await r.text(); out.push(performance.now() - t0); await new Promise((r) => setTimeout(r, 10)); }
          process.stdout.write(JSON.stringify(out)); })();`;
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => { text += c.toString(); });
      const rss = setInterval(() => { maxRss = Math.max(maxRss, rssMb(agent.child.pid!)); }, 100);
      await new Promise((r) => child.on('exit', r));
      clearInterval(rss);
      healthz.push(...(JSON.parse(text) as number[]));
    };
    const senders = async () => {
      otlp = await openLoopSenders(agent, {
        senders: 4, pointsPerSecond: factor * capacity, seconds,
        maxInFlight: Number(process.env.BENCH_MAX_IN_FLIGHT ?? 8), honourRetryAfter: process.env.BENCH_HONOUR_RETRY_AFTER === '1',
      });
    };
    // BENCH_ONLY=queries|otlp isolates one source of load (to see which one costs the latency).
    await Promise.all([
      ...(only === 'otlp' ? [] : [queryClient(REDOS_QUERY), queryClient(REDOS_QUERY), queryClient(SUBQUERY), queryClient(SUBQUERY)]),
      ...(only === 'queries' ? [] : [senders()]),
      poller(),
    ]);
    const cpu = cpuSeconds(agent.child.pid!) - cpuBefore;
    const el = bucketQuantile(0.99, elBefore, await eventLoopBuckets(agent.adminUrl));
    healthz.sort((a, b) => a - b);
    console.log(`${seconds}s, ${only ?? `4 pathological query clients + 4 open-loop OTLP senders at ${factor}x capacity`}:`);
    console.log(`  /healthz: ${healthz.length} checks, p50 ${pct(healthz, 0.5).toFixed(1)} ms, p99 ${pct(healthz, 0.99).toFixed(1)} ms, max ${healthz[healthz.length - 1].toFixed(1)} ms`);
    console.log(`  agent event-loop delay p99 ${el.ms.toFixed(1)} ms (lookout_event_loop_delay_seconds, ${el.observations} ticks of 100 ms; linear within buckets)`);
    if (otlp) {
      const ok = otlp.byStatus[200] ?? 0;
      const perS = (n: number) => (n * POINTS_PER_REQUEST / seconds).toFixed(0);
      console.log(`  OTLP offered ${otlp.offered} requests (${perS(otlp.offered)} points/s), sent ${otlp.sent}, accepted ${ok} (${perS(ok)} points/s), ` +
        `not sent (${process.env.BENCH_MAX_IN_FLIGHT ?? 8} in flight per sender) ${otlp.notSent}, open at the end ${otlp.openAtEnd}`);
      console.log(`  OTLP answers by status ${JSON.stringify(otlp.byStatus)}; 429/503 with Retry-After ${otlp.refusedWithRetryAfter} ` +
        `(${process.env.BENCH_HONOUR_RETRY_AFTER === '1' ? `honoured: ${otlp.heldByRetryAfter} ticks held` : 'not honoured'}); ` +
        `agent CPU ${cpu.toFixed(1)} s${ok ? `, ${(cpu * 1000 / ok).toFixed(1)} ms per accepted request` : ''}`);
    }
    for (const [k, n] of Object.entries(outcomes)) console.log(`  query ${k}: ${n}`);
    console.log(`  agent RSS max ${maxRss.toFixed(0)} MB`);
    // SIGTERM with queries still running.
    const inflight = fetch(`${agent.adminUrl}/api/v1/query?query=${encodeURIComponent(SUBQUERY)}`).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    const code = await agent.stop();
    // LOOKOUT_BENCH_AGENT_LOG: a file for the agent's output (e.g. its --trace-gc lines).
    if (process.env.LOOKOUT_BENCH_AGENT_LOG) require('node:fs').writeFileSync(process.env.LOOKOUT_BENCH_AGENT_LOG, agent.output());
    console.log(`  SIGTERM during a query: exit ${code} after ${(performance.now() - t0).toFixed(0)} ms (shutdown_timeout 10s); crashes during the run: ${crashed ? 1 : 0}`);
    await inflight;
  } finally {
    if (agent.child.exitCode === null) await agent.stop();
  }
}

if (require.main === module) run().catch((err) => { console.error(err); process.exitCode = 1; });
