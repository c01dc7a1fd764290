/**
 * RSS of a real agent process (default config) under the attacks of issue 8:
 *
 *   long names        3 000 spans with distinct 64 KB names (6 rounds of 500),
 *                     64 KB http.route values too, then /metrics and a rule round
 *   huge histogram    20 requests, each one histogram point with 100 000 bounds
 *   100k-series cap   OTLP gauges with 100 000 distinct label sets
 *                     (store.reserved_series: 0 so app metrics may fill the cap),
 *                     5 000 series per request, 6 labels of ~20 characters
 *
 * RSS and peak RSS (VmHWM) are read from /proc/<pid>/status (Linux only).
 * The agent is the built one (dist/, `npm run build` first) with the V8
 * flags of deploy/Dockerfile's NODE_OPTIONS, and the memory limiter as its
 * defaults resolve in the manifests' 384Mi container. Variables:
 * LOOKOUT_BENCH_NODE_OPTIONS other flags ("" = node's defaults),
 * LOOKOUT_BENCH_SOURCES=1 the sources under tsx, LOOKOUT_BENCH_NODE_ARGS
 * extra node flags (e.g. --trace-gc), LOOKOUT_BENCH_AGENT_LOG a file for the
 * agent's output, BENCH_ONLY=attacks|cap for one part. Bounded
 * in time: every phase waits on a condition with a timeout. Not part of
 * `npm test`. Run: npm run build && npx tsx bench/limits/attacks.bench.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { encodeProtoRequest } from '../../agent/otlp/codec';
import type { ExportMetricsServiceRequest, ExportTraceServiceRequest, KeyValue } from '../../agent/otlp/model';
import { freePort, startAgent, type AgentProcess } from '../../test/helpers/agent-process';
import { deploymentNodeArgs, deploymentNodeOptions } from './footprint.bench';
import { waitFor } from '../../test/helpers/wait';

const MIB = 1024 * 1024;
/** The flags the image runs the agent with (deploy/Dockerfile), unless LOOKOUT_BENCH_NODE_OPTIONS says otherwise ("" for none). */
const NODE_OPTIONS = process.env.LOOKOUT_BENCH_NODE_OPTIONS ?? deploymentNodeOptions();
/** Node flags not allowed in NODE_OPTIONS: the image's ENTRYPOINT ones, unless LOOKOUT_BENCH_NODE_ARGS says otherwise (e.g. --trace-gc, for investigating). */
const nodeArgs = process.env.LOOKOUT_BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? deploymentNodeArgs();
/** The built agent (as in the image) unless LOOKOUT_BENCH_SOURCES=1 (tsx, whose loader adds its own memory). */
const built = process.env.LOOKOUT_BENCH_SOURCES !== '1';
/**
 * The container the manifests give the sidecar (deploy/kubernetes/base: limits.memory 384Mi). The
 * memory limiter's defaults read it from the cgroup (limit 80 %, refusing from 80 % of that); on a
 * plain machine there is no cgroup limit, so the same resolved values are passed as config.
 */
const CONTAINER_MIB = 384;

async function startAttacked(config: Record<string, unknown>): Promise<AgentProcess> {
  const otlpPort = await freePort();
  const limitMib = Math.floor(CONTAINER_MIB * 0.8);
  return startAgent({
    log: { level: 'warn' },
    receivers: { otlp: { http: { endpoint: `127.0.0.1:${otlpPort}` }, memory_limiter: { limit_mib: limitMib, spike_limit_mib: Math.floor(limitMib * 0.2) } } },
    ...config,
  }, { otlpPort, env: { NODE_OPTIONS }, nodeArgs, dist: built });
}

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(/\d+/.exec(status.split('\n').find((l) => l.startsWith(key)) ?? '0')?.[0] ?? 0) * 1024;
  return { rss: kb('VmRSS:'), peak: kb('VmHWM:') };
}

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const nowNanos = () => (BigInt(Date.now()) * 1_000_000n).toString();

async function post(agent: AgentProcess, signal: 'traces' | 'metrics', data: unknown): Promise<number> {
  const body = Buffer.from(encodeProtoRequest(signal, data as never));
  const res = await fetch(`${agent.otlpUrl}/v1/${signal}`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
  await res.arrayBuffer();
  return res.status;
}

async function metricValue(agent: AgentProcess, name: string): Promise<number> {
  const text = await (await fetch(`${agent.adminUrl}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name)).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
}

function longNameSpans(round: number, n: number): ExportTraceServiceRequest {
  const pad = 'x'.repeat(64 * 1024);
  const end = BigInt(Date.now()) * 1_000_000n;
  return {
    resourceSpans: [{
      resource: { attributes: [str('service.name', 'victim')] },
      scopeSpans: [{ spans: Array.from({ length: n }, (_, i) => ({
        traceId: Buffer.alloc(16, 1 + (i % 200)), spanId: Buffer.alloc(8, 1 + (i % 200)), kind: 2,
        name: `${round}-${i}-${pad}`, startTimeUnixNano: (end - 1_000_000n).toString(), endTimeUnixNano: end.toString(),
        attributes: [str('http.route', `/${round}/${i}/${pad}`)],
      })) }],
    }],
  } as unknown as ExportTraceServiceRequest;
}

function hugeHistogram(i: number): ExportMetricsServiceRequest {
  const bounds = Array.from({ length: 100_000 }, (_, k) => k + 1);
  return {
    resourceMetrics: [{ resource: { attributes: [str('service.name', 'victim')] }, scopeMetrics: [{ metrics: [{
      name: `huge_${i}`, histogram: { aggregationTemporality: 2, dataPoints: [{
        timeUnixNano: nowNanos(), count: 1, explicitBounds: bounds, bucketCounts: bounds.map(() => 0).concat([1]),
      }] },
    }] }] }],
  } as unknown as ExportMetricsServiceRequest;
}

function manySeries(from: number, n: number): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [{ resource: { attributes: [str('service.name', 'shop'), str('service.instance.id', 'pod-1')] }, scopeMetrics: [{ metrics: [{
      name: 'http.server.active_requests', gauge: { dataPoints: Array.from({ length: n }, (_, k) => ({
        timeUnixNano: nowNanos(), asDouble: k,
        attributes: [
          str('http.route', `/api/v1/items/${from + k}`), str('http.request.method', 'GET'), str('server.address', 'shop.example.svc'),
          str('url.scheme', 'https'), str('network.protocol.version', '1.1'), str('deployment.environment', 'production'),
        ],
      })) } }] }] }],
  } as unknown as ExportMetricsServiceRequest;
}

function report(what: string, m: { rss: number; peak: number }, extra = ''): void {
  console.log(`${what.padEnd(34)} RSS ${(m.rss / MIB).toFixed(0).padStart(4)} MiB   peak ${(m.peak / MIB).toFixed(0).padStart(4)} MiB${extra ? `   ${extra}` : ''}`);
}

/** BENCH_ONLY=attacks (phases 1 + 2) or cap (phase 3) runs one part. */
export async function run(): Promise<void> {
  console.log(`${built ? 'built agent (dist/)' : 'agent from sources (tsx)'}, NODE_OPTIONS="${NODE_OPTIONS}", node ${nodeArgs.join(' ')}, memory limiter as in a ${CONTAINER_MIB}Mi container`);
  if (process.env.BENCH_ONLY !== 'cap') await longNamesAndHistograms();
  if (process.env.BENCH_ONLY !== 'attacks') await seriesCap();
}

/** 1 + 2: long names and huge histograms, default config. */
async function longNamesAndHistograms(): Promise<void> {
  const agent = await startAttacked({});
  try {
    const pid = agent.child.pid!;
    report('idle (default config)', memory(pid));
    for (let round = 0; round < 6; round++) {
      for (let b = 0; b < 10; b++) await post(agent, 'traces', longNameSpans(round, 50));
    }
    await waitFor(async () => (await metricValue(agent, 'lookout_store_series')) > 0, { what: 'span metrics in the store', timeoutMs: 20_000 });
    await fetch(`${agent.adminUrl}/api/v1/query?query=${encodeURIComponent('sum by (span_name) (traces_span_metrics_calls_total)')}`).then((r) => r.text());
    report('long names (3 000 x 64 KB)', memory(pid), `label bytes ${((await metricValue(agent, 'lookout_store_label_bytes')) / MIB).toFixed(1)} MiB`);
    let statuses = new Set<number>();
    for (let i = 0; i < 20; i++) statuses.add(await post(agent, 'metrics', hugeHistogram(i)));
    report('huge histograms (20 x 100k bounds)', memory(pid), `HTTP ${[...statuses].join(',')}, store series ${await metricValue(agent, 'lookout_store_series ')}`);
  } finally {
    if (process.env.LOOKOUT_BENCH_AGENT_LOG) writeFileSync(process.env.LOOKOUT_BENCH_AGENT_LOG, agent.output());
    if (agent.child.exitCode !== null) console.log(`the agent exited (${agent.child.exitCode}); its last output:\n${agent.output().slice(-3000)}`);
    await agent.stop();
  }
}

/** 3: the 100k-series cap. */
async function seriesCap(): Promise<void> {
  const agent = await startAttacked({ store: { reserved_series: 0 } });
  try {
    const pid = agent.child.pid!;
    const statuses = new Set<number>();
    for (let from = 0; from < 100_000; from += 5000) statuses.add(await post(agent, 'metrics', manySeries(from, 5000)));
    // In the 384Mi container the memory limiter refuses (503) before the store reaches the cap:
    // then the figure is where it stopped, not a failure.
    // 99 000: the last 1 % of max_series is the ALERTS reserve, which app metrics cannot take.
    if (!statuses.has(503)) {
      await waitFor(async () => (await metricValue(agent, 'lookout_store_series ')) >= 99_000, { what: '100k series', timeoutMs: 60_000 })
        .catch((err: Error) => { throw new Error(`${err.message}; HTTP ${[...statuses].join(',')}; agent output:\n${agent.output().slice(-3000)}`); });
    }
    const series = await metricValue(agent, 'lookout_store_series ');
    const started = performance.now();
    const text = await (await fetch(`${agent.adminUrl}/metrics`)).text();
    const renderMs = performance.now() - started;
    report(series >= 100_000 ? '100 000 series (cap)' : `${series} series (memory limiter refused)`, memory(pid),
      `HTTP ${[...statuses].join(',')}; /metrics ${(text.length / MIB).toFixed(0)} MiB in ${renderMs.toFixed(0)} ms; label bytes ${((await metricValue(agent, 'lookout_store_label_bytes')) / MIB).toFixed(1)} MiB; sample bytes ${((await metricValue(agent, 'lookout_store_sample_bytes')) / MIB).toFixed(1)} MiB`);
  } finally {
    await agent.stop();
  }
}

if (require.main === module) run().catch((err) => { console.error(err); process.exitCode = 1; });
