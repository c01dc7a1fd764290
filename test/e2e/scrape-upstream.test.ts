/**
 * receivers.prometheus with `upstream: true`: a prom-client exposition,
 * scraped by the agent, reaches the OTLP upstream as metrics converted per
 * the OTel Prometheus compatibility spec (counter -> monotonic cumulative Sum
 * without `_total`, histogram -> Histogram with non-cumulative buckets,
 * gauge -> Gauge, job/instance -> service.name/service.instance.id), while
 * the store keeps the Prometheus series as they were scraped.
 */
import assert from 'node:assert/strict';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ExportMetricsServiceRequest, Metric } from '../../agent/otlp/model';
import { anyValueToJs } from '../../agent/otlp/values';
import { startAgent, type AgentProcess } from '../helpers/agent-process';
import { OtlpSink } from '../helpers/otlp-sink';
import { waitFor } from '../helpers/wait';
import { instantQuery, serveRegistry, type Served } from './scrape-harness';

describe('e2e: receivers.prometheus upstream as OTLP', function () {
  this.timeout(60_000);
  let app: Served;
  let agent: AgentProcess;
  const sink = new OtlpSink();

  before(async () => {
    const r = new Registry();
    new Counter({ name: 'demo_requests_total', help: 'Requests.', labelNames: ['path'], registers: [r] }).inc({ path: '/a' }, 5);
    new Gauge({ name: 'demo_temperature_celsius', help: 'Temperature.', registers: [r] }).set(21.5);
    const h = new Histogram({ name: 'demo_latency_seconds', help: 'Latency.', buckets: [0.1, 1], registers: [r] });
    for (const v of [0.05, 0.5, 2]) h.observe(v);
    app = await serveRegistry(r);
    await sink.start();
    agent = await startAgent({
      receivers: { prometheus: { upstream: true, config: { scrape_configs: [{ job_name: 'shop/app', scrape_interval: '500ms', static_configs: [{ targets: [app.address] }] }] } } },
      exporters: { otlp: { endpoint: sink.url, batch: { timeout: '100ms' } } },
    });
  });
  after(async () => {
    await agent?.stop();
    await sink.stop();
    await app?.close();
  });

  it('sends each scrape as OTLP metrics named per the compatibility spec', async () => {
    const metrics = () => sink.received.filter((r) => r.signal === 'metrics').flatMap((r) => (r.data as ExportMetricsServiceRequest).resourceMetrics);
    const scraped = () => metrics().find((rm) => rm.resource?.attributes?.some((a) => a.key === 'service.name' && a.value?.stringValue === 'app'));
    const rm = await waitFor(scraped, { what: 'a scrape upstream' });
    const res = Object.fromEntries((rm.resource?.attributes ?? []).map((a) => [a.key, anyValueToJs(a.value)]));
    assert.deepEqual(res, { 'service.namespace': 'shop', 'service.name': 'app', 'service.instance.id': app.address });
    const byName = new Map<string, Metric>(rm.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.name, m]));
    const counter = byName.get('demo_requests')!;
    assert.ok(counter?.sum, 'the counter is a Sum named without _total');
    assert.equal(counter.sum!.isMonotonic, true);
    assert.equal(counter.sum!.aggregationTemporality, 2);
    assert.equal(counter.sum!.dataPoints[0].asDouble, 5);
    assert.deepEqual(counter.sum!.dataPoints[0].attributes?.map((a) => [a.key, anyValueToJs(a.value)]), [['path', '/a']]);
    assert.equal(byName.get('demo_temperature_celsius')?.gauge?.dataPoints[0].asDouble, 21.5);
    const hist = byName.get('demo_latency_seconds')?.histogram?.dataPoints[0];
    assert.ok(hist, 'the histogram family is one Histogram');
    assert.deepEqual(hist.explicitBounds, [0.1, 1]);
    assert.deepEqual(hist.bucketCounts?.map(Number), [1, 1, 1]);
    assert.equal(Number(hist.count), 3);
    assert.equal(hist.sum, 2.55);
    // The store holds the Prometheus series as scraped (not a converted copy).
    const local = await instantQuery(agent.adminUrl, 'demo_requests_total');
    assert.equal(local.length, 1);
    assert.equal(local[0].metric.job, 'shop/app');
    assert.deepEqual(await instantQuery(agent.adminUrl, 'demo_requests'), []);
  });
});
