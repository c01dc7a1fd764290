/**
 * Shared by the durable-* e2e tests: an upstream in an outage that can
 * recover, agents killed after each test, and reading one metric.
 */
import { OtlpSink } from '../helpers/otlp-sink';
import { startAgent, type AgentProcess } from '../helpers/agent-process';

/** Makes `sink` answer 503 to everything until recover(). */
export function outage(sink: OtlpSink): { recover(): void } {
  sink.script.push(...Array.from({ length: 100_000 }, () => ({ status: 503, headers: { 'retry-after': '0' } })));
  return { recover: () => { sink.script.length = 0; } };
}

/** Registers hooks giving each test a fresh sink, and SIGKILLing every agent it started. */
export function durableHarness(): { sink(): OtlpSink; start(config: Record<string, unknown>, dir?: string): Promise<AgentProcess> } {
  const agents: AgentProcess[] = [];
  let sink: OtlpSink;
  beforeEach(async () => { sink = await new OtlpSink().start(); });
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop('SIGKILL');
    await sink.stop();
  });
  return {
    sink: () => sink,
    start: async (config, dir) => {
      const a = await startAgent(config, { dir });
      agents.push(a);
      return a;
    },
  };
}

/** Sum of a metric's samples on the agent's /metrics whose labels contain `labels` (all samples when empty). */
export async function metricValue(agent: AgentProcess, name: string, labels = ''): Promise<number | undefined> {
  const text = await (await fetch(`${agent.adminUrl}/metrics`)).text();
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!(line.startsWith(`${name}{`) || line.startsWith(`${name} `)) || !line.includes(labels)) continue;
    sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
