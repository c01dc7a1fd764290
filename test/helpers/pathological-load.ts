/**
 * The data behind issue 8's query reproductions, sent to a running agent
 * over OTLP/JSON: a gauge `x` with 10 000 series, and 10 000 gauges with
 * 9-character names (for `{__name__=~"(.*.*)*X"}`: each match is short
 * for a backtracking engine, all of them together far longer than a
 * timeout). Shared by test/e2e/query-isolation.test.ts and
 * bench/promql/isolation.bench.ts.
 */
import type { AgentProcess } from './agent-process';
import { waitFor } from './wait';

export const REDOS_QUERY = '{__name__=~"(.*.*)*X"}';
export const SUBQUERY = 'count_over_time(x[1h:1ms])';
/** Far more work than any timeout and little memory: 3.6 M inner steps, one point each. */
export const HEAVY_QUERY = 'max_over_time(sum(x)[1h:1ms])';

export function gauge(name: string, points: { attrs: Record<string, string>; value: number }[], timeNs = `${Date.now()}000000`) {
  return {
    name,
    gauge: {
      dataPoints: points.map((p) => ({
        asDouble: p.value,
        timeUnixNano: timeNs,
        attributes: Object.entries(p.attrs).map(([key, v]) => ({ key, value: { stringValue: v } })),
      })),
    },
  };
}

export function metricsBody(metrics: unknown[], service = 'load'): string {
  return JSON.stringify({
    resourceMetrics: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeMetrics: [{ scope: { name: 'test' }, metrics }],
    }],
  });
}

export async function postMetrics(agent: AgentProcess, body: string): Promise<number> {
  const res = await fetch(`${agent.otlpUrl}/v1/metrics`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  await res.arrayBuffer();
  return res.status;
}

function metricName(i: number): string {
  return 'm' + i.toString(36).padStart(8, 'a');
}

/** Sends the series and waits until the agent's store holds all of x. */
export async function loadPathologicalSeries(agent: AgentProcess, series = 10_000): Promise<void> {
  const nowNs = `${Date.now()}000000`;
  for (let b = 0; b < series; b += 2000) {
    const xs = [];
    const names = [];
    for (let i = b; i < Math.min(series, b + 2000); i++) {
      xs.push({ attrs: { i: String(i) }, value: i });
      names.push(gauge(metricName(i), [{ attrs: {}, value: 1 }], nowNs));
    }
    const status = await postMetrics(agent, metricsBody([gauge('x', xs, nowNs), ...names]));
    if (status !== 200) throw new Error(`loading series: HTTP ${status}`);
  }
  await waitFor(async () => {
    const r = await (await fetch(`${agent.adminUrl}/api/v1/query?query=count(x)`)).json() as { data: { result: { value: [number, string] }[] } };
    return r.data.result[0]?.value[1] === String(series);
  }, { what: `the ${series} series of x` });
}

/** A value of the agent's own /metrics (first series of that name), 0 when absent. */
export async function agentMetric(agent: AgentProcess, name: string): Promise<number> {
  const text = await (await fetch(`${agent.adminUrl}/metrics`)).text();
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}
