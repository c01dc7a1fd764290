/**
 * receivers.prometheus against the real thing: one prom-client exposition
 * (text format) and one OpenMetrics exposition, scraped by the agent and by
 * Prometheus 2.42 with the same scrape_configs (relabel_configs and
 * metric_relabel_configs included); /api/v1/query and /api/v1/targets on
 * both must agree. Then the target dies: up goes to 0 and its series go
 * stale on both.
 */
import assert from 'node:assert/strict';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { startAgent, type AgentProcess } from '../helpers/agent-process';
import { waitFor } from '../helpers/wait';
import { instantQuery, seriesLines, serveRegistry, startPrometheus, type PrometheusProcess, type Served } from './scrape-harness';

function textRegistry(): Registry {
  const r = new Registry();
  const req = new Counter({ name: 'demo_requests_total', help: 'Requests.', labelNames: ['path', 'method'], registers: [r] });
  req.inc({ path: '/api/users', method: 'get' }, 5);
  req.inc({ path: '/health', method: 'get' }, 2);
  new Gauge({ name: 'demo_temperature_celsius', help: 'Temperature.', registers: [r] }).set(21.5);
  const h = new Histogram({ name: 'demo_latency_seconds', help: 'Latency.', buckets: [0.1, 1], registers: [r] });
  for (const v of [0.05, 0.5, 2]) h.observe(v);
  new Gauge({ name: 'demo_ignored_thing', help: 'Dropped by metric relabeling.', registers: [r] }).set(1);
  const pair = new Gauge({ name: 'demo_pair', help: 'keepequal.', labelNames: ['kind', 'expected_kind'], registers: [r] });
  pair.set({ kind: 'a', expected_kind: 'a' }, 1);
  pair.set({ kind: 'a', expected_kind: 'b' }, 2);
  new Gauge({ name: 'demo_conflict', help: 'A scraped job label.', labelNames: ['job'], registers: [r] }).set({ job: 'inner' }, 7);
  new Gauge({ name: 'demo_secret', help: 'labeldrop.', labelNames: ['secret_token', 'keep'], registers: [r] }).set({ secret_token: 'x', keep: 'y' }, 3);
  return r;
}

function openMetricsRegistry(): Registry {
  const r = new Registry();
  r.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
  const c = new Counter({ name: 'om_events', help: 'Events.', labelNames: ['kind'], registers: [r], enableExemplars: true });
  c.inc({ labels: { kind: 'x' }, value: 3, exemplarLabels: { traceId: 'abc123' } as never });
  new Gauge({ name: 'om_level', help: 'Level.', registers: [r] }).set(4);
  return r;
}

function scrapeConfigs(app: Served, om: Served): Record<string, unknown>[] {
  return [
    {
      job_name: 'app',
      scrape_interval: '1s',
      scrape_timeout: '900ms',
      static_configs: [
        { targets: [app.address], labels: { team: 'Payments', zone: 'eu-1' } },
        { targets: ['127.0.0.1:1'], labels: { drop_me: 'yes' } },
      ],
      relabel_configs: [
        { source_labels: ['drop_me'], regex: 'yes', action: 'drop' },
        { source_labels: ['__address__'], regex: '([^:]+):(\\d+)', target_label: 'host', replacement: '$1' },
        { source_labels: ['team'], target_label: 'team_lc', action: 'lowercase' },
        { source_labels: ['__address__'], target_label: 'shard', modulus: 8, action: 'hashmod' },
        { regex: 'zo(.*)', action: 'labelmap', replacement: 'z_$1' },
        { regex: 'zone', action: 'labeldrop' },
      ],
      metric_relabel_configs: [
        { source_labels: ['__name__'], regex: 'demo_ignored_.*', action: 'drop' },
        { source_labels: ['path'], regex: '/api/(.*)', target_label: 'route', replacement: 'api_$1' },
        { source_labels: ['method'], target_label: 'method', action: 'uppercase' },
        { source_labels: ['kind'], target_label: 'expected_kind', action: 'keepequal' },
        { regex: 'secret_.*', action: 'labeldrop' },
      ],
    },
    { job_name: 'om', scrape_interval: '1s', static_configs: [{ targets: [om.address] }] },
  ];
}

describe('e2e: receivers.prometheus vs Prometheus 2.42', function () {
  this.timeout(90_000);
  let app: Served;
  let om: Served;
  let prom: PrometheusProcess;
  let agent: AgentProcess;

  before(async () => {
    app = await serveRegistry(textRegistry());
    om = await serveRegistry(openMetricsRegistry());
    const configs = scrapeConfigs(app, om);
    prom = await startPrometheus({ global: { scrape_interval: '1s', evaluation_interval: '1s' }, scrape_configs: configs });
    agent = await startAgent({ receivers: { prometheus: { config: { scrape_configs: configs } } } });
  });

  after(async () => {
    await agent?.stop();
    await prom?.stop();
    await app?.close().catch(() => undefined);
    await om?.close().catch(() => undefined);
  });

  const bothUp = async () => {
    for (const url of [prom.url, agent.adminUrl]) {
      const up = await instantQuery(url, 'up');
      if (up.length !== 2 || up.some((s) => s.value[1] !== '1')) return false;
      // Two scrapes at least, so scrape_series_added is past the first scrape's count.
      const n = await instantQuery(url, 'count_over_time(up[1m])');
      if (n.some((s) => Number(s.value[1]) < 3)) return false;
    }
    return true;
  };

  it('returns the same series and values as Prometheus for the same instant', async () => {
    await waitFor(bothUp, { timeoutMs: 30_000, what: 'both up twice' });
    const t = Date.now();
    const query = '{job=~"app|om",__name__!="scrape_duration_seconds"}';
    const [fromProm, fromAgent] = await Promise.all([instantQuery(prom.url, query, t), instantQuery(agent.adminUrl, query, t)]);
    assert.ok(fromProm.length > 15, `Prometheus has ${fromProm.length} series`);
    assert.deepEqual(seriesLines(fromAgent), seriesLines(fromProm));
    if (process.env.SCRAPE_DEBUG) console.log(seriesLines(fromAgent).join("\n"));
    // scrape_duration_seconds: same series, values differ by nature.
    const d = '{__name__="scrape_duration_seconds"}';
    assert.deepEqual(seriesLines(await instantQuery(agent.adminUrl, d, t), { values: false }),
      seriesLines(await instantQuery(prom.url, d, t), { values: false }));
    // Spot checks of what the relabeling did, so an agreement on nothing cannot pass.
    const lines = seriesLines(fromAgent).join('\n');
    for (const want of ['route="api_users"', 'method="GET"', 'exported_job="inner"', 'team_lc="payments"', 'z_ne="eu-1"']) assert.ok(lines.includes(want), want);
    for (const unwanted of ['demo_ignored_thing', 'secret_token', 'expected_kind="b"']) assert.ok(!lines.includes(unwanted), unwanted);
  });

  it('/api/v1/targets lists the same targets and labels as Prometheus', async () => {
    type T = { activeTargets: { labels: Record<string, string>; discoveredLabels: Record<string, string>; scrapePool: string; health: string }[]; droppedTargets: { discoveredLabels: Record<string, string> }[] };
    const get = async (url: string) => ((await (await fetch(`${url}/api/v1/targets`)).json()) as { data: T }).data;
    const [p, a] = await Promise.all([get(prom.url), get(agent.adminUrl)]);
    const norm = (d: T) => ({
      active: d.activeTargets.map((x) => JSON.stringify([x.scrapePool, x.health, sortKeys(x.labels), sortKeys(x.discoveredLabels)])).sort(),
      dropped: d.droppedTargets.map((x) => JSON.stringify(sortKeys(x.discoveredLabels))).sort(),
    });
    assert.deepEqual(norm(a), norm(p));
    assert.equal(a.droppedTargets.length, 1);
  });

  it('up goes to 0 and the series go stale when the target dies, as in Prometheus', async () => {
    await app.close();
    for (const url of [agent.adminUrl, prom.url]) {
      await waitFor(async () => {
        const up = await instantQuery(url, 'up{job="app"}');
        const temp = await instantQuery(url, 'demo_temperature_celsius');
        return up.length === 1 && up[0].value[1] === '0' && temp.length === 0;
      }, { timeoutMs: 20_000, what: `up=0 and stale series on ${url}` });
    }
    // The OpenMetrics target is untouched.
    assert.equal((await instantQuery(agent.adminUrl, 'om_level'))[0]?.value[1], '4');
  });
});

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
