/**
 * exporters.prometheusremotewrite against a real Prometheus 2.42 started
 * with --web.enable-remote-write-receiver: the agent scrapes a prom-client
 * exposition and remote-writes its store; Prometheus' query API must return
 * exactly the agent's samples (external label added, write relabeling
 * applied). Then Prometheus goes down for several scrapes and comes back on
 * the same port and TSDB: the agent retries and nothing is lost.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Gauge, Registry } from 'prom-client';
import { freePort, startAgent, type AgentProcess } from '../helpers/agent-process';
import { waitFor } from '../helpers/wait';
import { serveRegistry, startPrometheus, type PrometheusProcess, type Served } from './scrape-harness';

interface MatrixSeries { metric: Record<string, string>; values: [number, string][] }

async function rangeSelect(baseUrl: string, selector: string, time: number): Promise<MatrixSeries[]> {
  const res = await fetch(`${baseUrl}/api/v1/query?${new URLSearchParams({ query: selector, time: String(time / 1000) })}`);
  const body = await res.json() as { status: string; data: { result: MatrixSeries[] }; error?: string };
  if (body.status !== 'success') throw new Error(`${selector} on ${baseUrl}: ${body.error}`);
  return body.data.result;
}

/** "labels => t:v t:v ..." lines, without the given labels. */
function sampleLines(series: MatrixSeries[], without: string[] = []): string[] {
  return series.map((s) => {
    const labels = Object.keys(s.metric).filter((k) => !without.includes(k)).sort().map((k) => `${k}=${s.metric[k]}`).join(',');
    return `{${labels}} ${s.values.map(([t, v]) => `${t}:${v}`).join(' ')}`;
  }).sort();
}

describe('e2e: exporters.prometheusremotewrite into Prometheus 2.42', function () {
  this.timeout(120_000);
  let app: Served;
  let prom: PrometheusProcess;
  let agent: AgentProcess;
  let promPort: number;
  const promDir = mkdtempSync(path.join(os.tmpdir(), 'lookout-rw-prom-'));
  let scrapes = 0;

  before(async () => {
    const r = new Registry();
    // A new value at every scrape, so a lost sample shows.
    new Gauge({ name: 'demo_scrape_counter', help: 'Scrapes so far.', registers: [r], collect() { this.set(++scrapes); } });
    new Gauge({ name: 'demo_temperature_celsius', help: 'Temperature.', labelNames: ['room'], registers: [r] }).set({ room: 'a' }, 21.5);
    app = await serveRegistry(r);
    promPort = await freePort();
    prom = await startPrometheus({ global: { scrape_interval: '1m' } }, { remoteWriteReceiver: true, port: promPort, dir: promDir });
    agent = await startAgent({
      receivers: { prometheus: { config: { scrape_configs: [{ job_name: 'app', scrape_interval: '500ms', static_configs: [{ targets: [app.address] }] }] } } },
      exporters: {
        prometheusremotewrite: {
          endpoint: `${prom.url}/api/v1/write`,
          external_labels: { cluster: 'c1' },
          write_relabel_configs: [{ source_labels: ['__name__'], regex: 'scrape_duration_seconds', action: 'drop' }],
          batch: { timeout: '200ms' },
          retry_on_failure: { max_interval: '500ms' },
        },
      },
    });
  });

  after(async () => {
    await agent?.stop();
    await prom?.stop();
    await app?.close();
  });

  it('Prometheus returns exactly the agent\'s samples, with external labels and write relabeling', async () => {
    await waitFor(async () => (await rangeSelect(prom.url, 'demo_scrape_counter[1m]', Date.now())).some((s) => s.values.length >= 4),
      { timeoutMs: 30_000, what: 'remote-written samples in Prometheus' });
    const t = Date.now() - 1000;
    const sel = '{job="app",__name__!="scrape_duration_seconds"}[1m]';
    // Samples up to t reach Prometheus within a batch.timeout (200 ms) plus a send; wait for them rather than guess.
    let fromAgent: MatrixSeries[] = [];
    let fromProm: MatrixSeries[] = [];
    await waitFor(async () => {
      [fromAgent, fromProm] = await Promise.all([rangeSelect(agent.adminUrl, sel, t), rangeSelect(prom.url, sel, t)]);
      return JSON.stringify(sampleLines(fromProm, ['cluster'])) === JSON.stringify(sampleLines(fromAgent));
    }, { timeoutMs: 15_000, what: 'the same samples in Prometheus as in the agent' }).catch(() => undefined);
    assert.ok(fromAgent.length >= 6, `agent has ${fromAgent.length} series`);
    assert.ok(fromProm.every((s) => s.metric.cluster === 'c1'), 'every written series has the external label');
    assert.deepEqual(sampleLines(fromProm, ['cluster']), sampleLines(fromAgent));
    assert.deepEqual(await rangeSelect(prom.url, 'scrape_duration_seconds[1m]', t), [], 'write_relabel_configs dropped it');
  });

  it('an outage of Prometheus is retried and loses nothing', async () => {
    await prom.stop();
    const downAt = scrapes;
    await waitFor(() => scrapes >= downAt + 6, { timeoutMs: 20_000, what: 'scrapes during the outage' });
    prom = await startPrometheus({ global: { scrape_interval: '1m' } }, { remoteWriteReceiver: true, port: promPort, dir: promDir });
    const t = Date.now();
    const sel = 'demo_scrape_counter[5m]';
    let last: [string[], string[]] = [[], []];
    await waitFor(async () => {
      const [a, p] = await Promise.all([rangeSelect(agent.adminUrl, sel, t), rangeSelect(prom.url, sel, t)]);
      last = [sampleLines(a), sampleLines(p, ['cluster'])];
      return last[0].length === 1 && last[0][0] === last[1][0];
    }, { timeoutMs: 30_000, what: 'every sample of the outage in Prometheus' }).catch((err: Error) => {
      throw new Error(`${err.message}\nagent: ${last[0].join('\n')}\nprometheus: ${last[1].join('\n')}`);
    });
    const values = last[0][0].split(' ').slice(1).map((x) => Number(x.split(':')[1]));
    for (let i = downAt; i <= downAt + 5; i++) assert.ok(values.includes(i), `the sample ${i} taken during the outage arrived`);
    const retried = agent.logs().some((l) => String(l.msg ?? '').includes('retrying'));
    assert.ok(retried, 'the agent logged its retries');
  });
});
