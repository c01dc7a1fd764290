/**
 * Issue 8, item 3, for the built agent (dist/, as `npm test` builds it)
 * with the V8 flags the image runs it with (deploy/Dockerfile NODE_OPTIONS and ENTRYPOINT)
 * and the memory limiter as it resolves in the manifests' 384Mi container:
 * 1 000 spans with distinct 64 KB names and routes (128 MB of strings), then
 * histogram points with 100 000 bounds; the agent keeps answering and its
 * peak RSS (VmHWM) stays under the 256 MiB (the manifests' container allows 384Mi). With node's default
 * heap sizing the old generation grows far past that before its first full
 * collection (bench/limits/attacks.bench.ts: 366-435 MiB peaks).
 * Linux only (/proc).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { encodeProtoRequest } from '../../agent/otlp/codec';
import type { ExportMetricsServiceRequest, ExportTraceServiceRequest } from '../../agent/otlp/model';
import { freePort, startAgent, type AgentProcess } from '../helpers/agent-process';
import { deploymentNodeArgs, deploymentNodeOptions } from '../../bench/limits/footprint.bench';

const MIB = 1024 * 1024;
/**
 * The target. Peaks measured with this test: 199-239 MiB on a quiet machine, 192-224 MiB with a
 * busy core beside it. Before the store sorted selected series in place (agent/store/label-order.ts)
 * they were 199-371 MiB: every rule evaluation during the attack built a 4 KB sort key per span
 * series, ~80 MB of strings alive through one synchronous sort, hence promoted to the old generation.
 */
const BOUND_MIB = 256;

function peakRss(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
}

/**
 * The HTTP status, or 0 when the connection closed under the upload: the memory limiter answers 503
 * before reading a body and closes the connection, which a client still sending 6 MB may see as a
 * reset instead of the answer. Whether the agent survived is checked separately.
 */
async function post(agent: AgentProcess, signal: 'traces' | 'metrics', data: unknown): Promise<number> {
  const body = Buffer.from(encodeProtoRequest(signal, data as never));
  try {
    const res = await fetch(`${agent.otlpUrl}/v1/${signal}`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

function longNames(round: number, n: number): ExportTraceServiceRequest {
  const pad = 'x'.repeat(64 * 1024);
  const end = BigInt(Date.now()) * 1_000_000n;
  return { resourceSpans: [{ resource: { attributes: [str('service.name', 'victim')] }, scopeSpans: [{ spans: Array.from({ length: n }, (_, i) => ({
    traceId: Buffer.alloc(16, 1 + (i % 200)), spanId: Buffer.alloc(8, 1 + (i % 200)), kind: 2,
    name: `${round}-${i}-${pad}`, startTimeUnixNano: (end - 1_000_000n).toString(), endTimeUnixNano: end.toString(),
    attributes: [str('http.route', `/${round}/${i}/${pad}`)],
  })) }] }] } as unknown as ExportTraceServiceRequest;
}

function hugeHistogram(i: number): ExportMetricsServiceRequest {
  const bounds = Array.from({ length: 100_000 }, (_, k) => k + 1);
  return { resourceMetrics: [{ resource: { attributes: [str('service.name', 'victim')] }, scopeMetrics: [{ metrics: [{
    name: `huge_${i}`, histogram: { aggregationTemporality: 2, dataPoints: [{
      timeUnixNano: `${Date.now()}000000`, count: 1, explicitBounds: bounds, bucketCounts: bounds.map(() => 0).concat([1]),
    }] },
  }] }] }] } as unknown as ExportMetricsServiceRequest;
}

describe('e2e: RSS under the long-name and huge-histogram attacks, with the image\'s V8 flags (issue 8)', function () {
  this.timeout(180_000);
  let agent: AgentProcess;

  before(async function () {
    if (process.platform !== 'linux') this.skip();
    // The memory limiter as its defaults resolve in the manifests' 384Mi container (limit 80 %, refusing
    // from 80 % of that); a test machine has no cgroup limit, so the resolved values are passed.
    const otlpPort = await freePort();
    agent = await startAgent({
      log: { level: 'warn' },
      receivers: { otlp: { http: { endpoint: `127.0.0.1:${otlpPort}` }, memory_limiter: { limit_mib: 307, spike_limit_mib: 61 } } },
    }, { otlpPort, dist: true, env: { NODE_OPTIONS: deploymentNodeOptions() }, nodeArgs: deploymentNodeArgs() });
  });

  after(async () => {
    if (agent && agent.child.exitCode === null) await agent.stop();
  });

  it(`stays under ${BOUND_MIB} MiB peak RSS and keeps answering`, async () => {
    const pid = agent.child.pid!;
    const statuses = new Set<number>();
    for (let round = 0; round < 20; round++) statuses.add(await post(agent, 'traces', longNames(round, 50)));
    for (let i = 0; i < 5; i++) statuses.add(await post(agent, 'metrics', hugeHistogram(i)));
    const peak = peakRss(pid);
    if (agent.child.exitCode !== null) assert.fail(`the agent exited: ${agent.output().slice(-2000)}`);
    // 200, or 503 from the memory limiter (refused before decoding; 0 when seen as a closed upload).
    assert.ok([...statuses].every((s) => s === 200 || s === 503 || s === 0), `statuses ${[...statuses].join(',')}`);
    assert.ok(statuses.has(200), `nothing accepted: ${[...statuses].join(',')}`);
    assert.equal((await fetch(`${agent.adminUrl}/healthz`)).status, 200);
    assert.ok(peak < BOUND_MIB * MIB, `peak RSS ${(peak / MIB).toFixed(0)} MiB with NODE_OPTIONS="${deploymentNodeOptions()}" and node ${deploymentNodeArgs().join(' ')} (statuses ${[...statuses].join(',')})`);
  });
});
