/**
 * Issue 8's isolation figure against the real binary: four clients loop on
 * pathological queries (two on the ReDoS selector, two on the 1 ms
 * subquery, timeout=2s) while four senders push OTLP metrics as fast as the
 * agent takes them, for BENCH_SECONDS (default 30); /healthz is polled every
 * 10 ms by a separate process (so the bench's own busy event loop does not
 * inflate the figure). Reports /healthz p50/p99/max, OTLP requests and their statuses,
 * query outcomes, the agent's RSS, and how long SIGTERM takes.
 * Run: npm run build && npx tsx bench/promql/isolation.bench.ts (the built agent, with
 * the image's NODE_OPTIONS; see run() for the variables that change that). Not part of npm test.
 */
import { spawn } from 'node:child_process';
import { startAgent } from '../../test/helpers/agent-process';
import {
  gauge, loadPathologicalSeries, metricsBody, postMetrics, REDOS_QUERY, SUBQUERY,
} from '../../test/helpers/pathological-load';
import { deploymentNodeOptions } from '../limits/footprint.bench';

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

export async function run(seconds = Number(process.env.BENCH_SECONDS ?? 30)): Promise<void> {
  // The built agent with the image's V8 flags (deploy/Dockerfile NODE_OPTIONS), as it runs in a pod;
  // LOOKOUT_BENCH_NODE_OPTIONS overrides them ("" for node's defaults), LOOKOUT_BENCH_SOURCES=1 runs the sources under tsx,
  // LOOKOUT_BENCH_NODE_ARGS adds node flags (e.g. "--cpu-prof --trace-gc").
  const nodeArgs = process.env.LOOKOUT_BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean);
  const nodeOptions = process.env.LOOKOUT_BENCH_NODE_OPTIONS ?? deploymentNodeOptions();
  const built = process.env.LOOKOUT_BENCH_SOURCES !== '1';
  const agent = await startAgent({ log: { level: 'warn' }, service: { shutdown_timeout: '10s' } }, { nodeArgs, dist: built, env: { NODE_OPTIONS: nodeOptions } });
  console.log(`${built ? 'built agent (dist/)' : 'agent from sources (tsx)'}, NODE_OPTIONS="${nodeOptions}"`);
  try {
    await loadPathologicalSeries(agent);
    const cpuBefore = cpuSeconds(agent.child.pid!);
    const until = Date.now() + seconds * 1000;
    const outcomes: Record<string, number> = {};
    const otlpStatus: Record<number, number> = {};
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
    const sender = async (id: number) => {
      // Built once; only the timestamp changes (so the bench spends its time sending, not serialising).
      const points = Array.from({ length: 500 }, (_, i) => ({ attrs: { sender: String(id), k: String(i) }, value: 1 }));
      const template = metricsBody([gauge('bench_load', points, 'TIMESTAMP')], `sender-${id}`);
      while (Date.now() < until) {
        const status = await postMetrics(agent, template.replaceAll('TIMESTAMP', `${Date.now()}000000`)).catch(() => 0);
        otlpStatus[status] = (otlpStatus[status] ?? 0) + 1;
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
    // BENCH_ONLY=queries|otlp isolates one source of load (to see which one costs the latency).
    const only = process.env.BENCH_ONLY;
    await Promise.all([
      ...(only === 'otlp' ? [] : [queryClient(REDOS_QUERY), queryClient(REDOS_QUERY), queryClient(SUBQUERY), queryClient(SUBQUERY)]),
      ...(only === 'queries' ? [] : [sender(1), sender(2), sender(3), sender(4)]),
      poller(),
    ]);
    const cpu = cpuSeconds(agent.child.pid!) - cpuBefore;
    healthz.sort((a, b) => a - b);
    console.log(`${seconds}s, ${process.env.BENCH_ONLY ?? '4 pathological query clients + 4 OTLP senders'}:`);
    console.log(`  /healthz: ${healthz.length} checks, p50 ${pct(healthz, 0.5).toFixed(1)} ms, p99 ${pct(healthz, 0.99).toFixed(1)} ms, max ${healthz[healthz.length - 1].toFixed(1)} ms`);
    const ok = otlpStatus[200] ?? 0;
    console.log(`  OTLP requests by status: ${JSON.stringify(otlpStatus)}; agent CPU ${cpu.toFixed(1)} s${ok ? `, ${(cpu * 1000 / ok).toFixed(1)} ms per accepted request` : ''}`);
    for (const [k, n] of Object.entries(outcomes)) console.log(`  query ${k}: ${n}`);
    console.log(`  agent RSS max ${maxRss.toFixed(0)} MB`);
    // SIGTERM with queries still running.
    const inflight = fetch(`${agent.adminUrl}/api/v1/query?query=${encodeURIComponent(SUBQUERY)}`).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    const code = await agent.stop();
    // LOOKOUT_BENCH_AGENT_LOG: a file for the agent's output (e.g. its --trace-gc lines).
    if (process.env.LOOKOUT_BENCH_AGENT_LOG) require('node:fs').writeFileSync(process.env.LOOKOUT_BENCH_AGENT_LOG, agent.output());
    console.log(`  SIGTERM during a query: exit ${code} after ${(performance.now() - t0).toFixed(0)} ms (shutdown_timeout 10s)`);
    await inflight;
  } finally {
    if (agent.child.exitCode === null) await agent.stop();
  }
}

if (require.main === module) run().catch((err) => { console.error(err); process.exitCode = 1; });
