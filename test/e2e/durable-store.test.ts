/**
 * The store's history across SIGKILL: a counter with ten minutes of history
 * is sent over OTLP, the agent is killed, restarted on the same storage.dir:
 * instant and range queries over the pre-crash window return exactly what
 * they returned before, and the rate(x[5m]) alert stays firing with the same
 * activeAt (no false resolve, no blind window). The upstream is down the
 * whole time: the alert's "firing" transition, sent upstream as a log record,
 * waits in the durable queue across the kill and arrives once it recovers.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { AgentProcess } from '../helpers/agent-process';
import { durableHarness, metricValue, outage } from './durable-harness';
import { anyValueToJs } from '../../agent/otlp/values';
import { repoRoot } from '../helpers/repo';
import { waitFor } from '../helpers/wait';

const STEP_MS = 15_000;

function counterPoint(tMs: number, value: number, startMs: number) {
  return JSON.stringify({
    resourceMetrics: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
      scopeMetrics: [{
        metrics: [{
          name: 'orders',
          sum: {
            aggregationTemporality: 2, isMonotonic: true,
            dataPoints: [{ asDouble: value, startTimeUnixNano: String(BigInt(startMs) * 1_000_000n), timeUnixNano: String(BigInt(tMs) * 1_000_000n), attributes: [{ key: 'route', value: { stringValue: '/buy' } }] }],
          },
        }],
      }],
    }],
  });
}

async function api(agent: AgentProcess, q: string): Promise<unknown> {
  const res = await fetch(`${agent.adminUrl}${q}`);
  const body = await res.json() as { status: string; data: unknown };
  assert.equal(body.status, 'success', JSON.stringify(body));
  return body.data;
}

describe('e2e: the store survives SIGKILL', function () {
  this.timeout(120_000);
  const harness = durableHarness();

  it('queries over the pre-crash window answer the same after a restart, and a rate(x[5m]) alert does not flap', async () => {
    const sink = harness.sink();
    const upstream = outage(sink);
    const config = {
      rules: { files: [path.join(repoRoot, 'test/e2e/testdata/durable-store.rules.yaml')], evaluation_interval: '1s', default_pack: { enabled: false } },
      store: { wal: { flush_interval: '50ms' } },
      exporters: { otlp: { endpoint: sink.url, batch: { timeout: '20ms' }, retry_on_failure: { initial_interval: '50ms', max_interval: '100ms', max_elapsed_time: '0s' } } },
    };
    const a = await harness.start(config);
    const end = Math.floor(Date.now() / STEP_MS) * STEP_MS;
    const start = end - 40 * STEP_MS;
    for (let t = start, v = 0; t <= end; t += STEP_MS, v += 7) {
      const res = await fetch(`${a.otlpUrl}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: counterPoint(t, v, start - 1000) });
      assert.equal(res.status, 200);
    }
    const queries = [
      `/api/v1/query?query=${encodeURIComponent('orders_total')}&time=${end / 1000}`,
      `/api/v1/query?query=${encodeURIComponent('rate(orders_total[5m])')}&time=${(end - 5 * STEP_MS) / 1000}`,
      `/api/v1/query?query=${encodeURIComponent('increase(orders_total[2m])')}&time=${end / 1000}`,
      `/api/v1/query_range?query=${encodeURIComponent('rate(orders_total[5m])')}&start=${start / 1000}&end=${end / 1000}&step=15`,
      `/api/v1/query_range?query=${encodeURIComponent('orders_total')}&start=${start / 1000}&end=${end / 1000}&step=15`,
    ];
    const before = await Promise.all(queries.map((q) => api(a, q)));
    assert.ok(JSON.stringify(before[1]).includes('"0.466'), `rate is 7/15 per second: ${JSON.stringify(before[1])}`);
    const firing = await waitFor(async () => {
      const data = await api(a, '/api/v1/alerts') as { alerts: { labels: Record<string, string>; state: string; activeAt: string }[] };
      return data.alerts.find((x) => x.labels.alertname === 'OrdersFlowing' && x.state === 'firing');
    }, { what: 'OrdersFlowing firing' });
    // Everything written so far is in the WAL file once a flush left nothing buffered.
    await waitFor(async () => (await metricValue(a, 'lookout_store_wal_buffered_bytes')) === 0, { what: 'WAL flushed' });
    await a.stop('SIGKILL');

    const b = await harness.start(config, a.dir);
    const after = await Promise.all(queries.map((q) => api(b, q)));
    assert.deepEqual(after, before, 'the same answers over the pre-crash window');
    assert.ok((await metricValue(b, 'lookout_store_wal_replay_duration_seconds'))! >= 0);
    // Several evaluations after the restart: the alert is firing all along, with its original activeAt.
    const evals = await waitFor(async () => {
      const rules = await api(b, '/api/v1/rules') as { groups: { rules: { lastEvaluation: string }[] }[] };
      return Date.parse(rules.groups[0].rules[1].lastEvaluation) > Date.now() - 500 && rules;
    }, { what: 'rules evaluating after the restart' });
    assert.ok(evals);
    for (let i = 0; i < 3; i++) {
      const data = await api(b, '/api/v1/alerts') as { alerts: { labels: Record<string, string>; state: string; activeAt: string }[] };
      const alert = data.alerts.find((x) => x.labels.alertname === 'OrdersFlowing');
      assert.equal(alert?.state, 'firing', `evaluation ${i}: ${JSON.stringify(data)}`);
      assert.equal(alert?.activeAt, firing.activeAt);
      const recorded = await api(b, `/api/v1/query?query=${encodeURIComponent('job:orders_total:rate5m')}`) as { result: { value: [number, string] }[] };
      assert.equal(recorded.result.length, 1, 'the recording rule still has data');
      assert.ok(Number(recorded.result[0].value[1]) > 0.4, JSON.stringify(recorded));
      await waitFor(async () => {
        const rules = await api(b, '/api/v1/rules') as { groups: { rules: { lastEvaluation: string }[] }[] };
        return Date.parse(rules.groups[0].rules[1].lastEvaluation) > Date.now() - 300;
      }, { what: 'the next evaluation' });
    }

    // The upstream recovers: the transition queued before the kill arrives, and no "inactive" one was ever emitted.
    upstream.recover();
    const transitions = () => sink.of('logs').flatMap((r) => r.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)))
      .map((l) => String(anyValueToJs(l.body as never)));
    await waitFor(() => transitions().includes('alert OrdersFlowing firing'), { what: 'the firing transition upstream' });
    assert.ok(!transitions().some((t) => /OrdersFlowing (inactive|resolved)/.test(t)), JSON.stringify(transitions()));
  });
});
