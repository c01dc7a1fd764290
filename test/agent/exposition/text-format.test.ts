/**
 * renderExposition: exact text for a small store, and acceptance by a real
 * parser (`promtool check metrics`) for output built from SDK-shaped data.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { renderExposition, type ExpositionSource } from '../../../agent/exposition/text-format';
import type { Labels, MetricMetadata } from '../../../agent/store/types';
import { MetricsToStore } from '../../../agent/translate/prometheus/metrics-to-store';
import { MemoryStore } from '../../../agent/store';
import { AggregationTemporality, type ExportMetricsServiceRequest } from '../../../agent/otlp/model';

const PROMTOOL = '/usr/bin/promtool';

/** An ExpositionSource over a fixed list of latest samples. */
function source(series: [Labels, number][], meta: Record<string, MetricMetadata>): ExpositionSource {
  return {
    forEachLatest: (cb) => { for (const [l, v] of series) cb(l, 1_700_000_000_000, v); },
    metadata: () => new Map(Object.entries(meta)),
  };
}

/** A source fed by the real translator, as /metrics will be. */
class LatestStore {
  private readonly latest = new Map<string, { labels: Labels; t: number; v: number }>();
  private readonly meta = new Map<string, MetricMetadata>();
  append(labels: Labels, t: number, v: number): boolean {
    const k = JSON.stringify(Object.entries(labels).sort());
    const cur = this.latest.get(k);
    if (!cur || cur.t <= t) this.latest.set(k, { labels, t, v });
    return true;
  }
  markStale(labels: Labels): void { this.latest.delete(JSON.stringify(Object.entries(labels).sort())); }
  setMetadata(name: string, m: MetricMetadata): void { this.meta.set(name, m); }
  forEachLatest(cb: (labels: Labels, t: number, v: number) => void): void {
    for (const s of this.latest.values()) cb(s.labels, s.t, s.v);
  }
  metadata(): Map<string, MetricMetadata> { return this.meta; }
}

function promtool(text: string): { status: number | null; out: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('exposition text format', () => {
  it('groups families, writes HELP/TYPE once, escapes and orders histogram series', () => {
    const text = renderExposition(source([
      [{ __name__: 'req_duration_seconds_count', route: '/a' }, 3],
      [{ __name__: 'req_duration_seconds_bucket', route: '/a', le: '+Inf' }, 3],
      [{ __name__: 'req_duration_seconds_bucket', route: '/a', le: '0.5' }, 2],
      [{ __name__: 'req_duration_seconds_bucket', route: '/a', le: '0.25' }, 1],
      [{ __name__: 'req_duration_seconds_sum', route: '/a' }, 1.25],
      [{ __name__: 'up' }, 1],
      [{ __name__: 'odd_total', path: 'C:\\dir "x"\nnext' }, 1e6],
      [{ __name__: 'temp', zone: 'z' }, NaN],
      [{ __name__: 'secret', zone: 'z' }, 5],
      [{ __name__: 'calls_total' }, 2],
    ], {
      calls: { type: 'counter', help: 'Calls', unit: '' },
      req_duration_seconds: { type: 'histogram', help: 'Request\nduration \\ seconds', unit: 'seconds' },
      odd_total: { type: 'counter', help: 'Odd things', unit: '' },
      temp: { type: 'gauge', help: '', unit: '' },
    }), { exclude: (l) => l.__name__ === 'secret' });
    assert.equal(text, [
      '# HELP calls_total Calls',
      '# TYPE calls_total counter',
      'calls_total 2',
      '# HELP odd_total Odd things',
      '# TYPE odd_total counter',
      'odd_total{path="C:\\\\dir \\"x\\"\\nnext"} 1000000',
      '# HELP req_duration_seconds Request\\nduration \\\\ seconds',
      '# TYPE req_duration_seconds histogram',
      'req_duration_seconds_bucket{le="0.25",route="/a"} 1',
      'req_duration_seconds_bucket{le="0.5",route="/a"} 2',
      'req_duration_seconds_bucket{le="+Inf",route="/a"} 3',
      'req_duration_seconds_sum{route="/a"} 1.25',
      'req_duration_seconds_count{route="/a"} 3',
      '# TYPE temp gauge',
      'temp{zone="z"} NaN',
      '# TYPE up untyped',
      'up 1',
      '',
    ].join('\n'));
    assert.equal(renderExposition(source([], {})), '');
  });

  it('is accepted by promtool check metrics', function () {
    if (!existsSync(PROMTOOL)) {
      if (process.env.CI) assert.fail(`${PROMTOOL} is required in CI`);
      this.skip();
    }
    const store = new LatestStore();
    const now = 1_700_000_000_000 * 1e6;
    const req: ExportMetricsServiceRequest = { resourceMetrics: [{
      resource: { attributes: [
        { key: 'service.name', value: { stringValue: 'checkout' } },
        { key: 'host.name', value: { stringValue: 'node "a"\\b' } },
      ] },
      scopeMetrics: [{ metrics: [
        { name: 'http.server.requests', unit: '{request}', description: 'Requests served', sum: {
          isMonotonic: true, aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPoints: [{ timeUnixNano: now, asDouble: 12, attributes: [{ key: 'http.route', value: { stringValue: '/x\ny' } }] }],
        } },
        { name: 'http.server.request.duration', unit: 's', description: 'Duration of requests', histogram: {
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPoints: [{ timeUnixNano: now, count: 4, sum: 2.5, explicitBounds: [0.1, 1], bucketCounts: [1, 2, 1] }],
        } },
        { name: 'rpc.latency', unit: 's', description: 'RPC latency', summary: {
          dataPoints: [{ timeUnixNano: now, count: 4, sum: 20, quantileValues: [{ quantile: 0.5, value: 4 }, { quantile: 0.9, value: 9 }] }],
        } },
        { name: 'queue.fill', unit: '1', description: 'Queue fill', gauge: {
          dataPoints: [{ timeUnixNano: now, asDouble: 1.5e-7 }, { timeUnixNano: now, asDouble: -Infinity, attributes: [{ key: 'q', value: { stringValue: 'b' } }] }],
        } },
      ] }],
    }] };
    new MetricsToStore(store).translate(req);
    const text = renderExposition(store);
    assert.match(text, /^# TYPE http_server_request_duration_seconds histogram$/m);
    assert.match(text, /^http_server_request_duration_seconds_bucket\{job="checkout",le="0\.1"\} 1$/m);
    assert.match(text, /^queue_fill_ratio\{job="checkout",q="b"\} -Inf$/m);
    assert.match(text, /^queue_fill_ratio\{job="checkout"\} 1\.5e-07$/m);
    assert.match(text, /^target_info\{host_name="node \\"a\\"\\\\b",job="checkout"\} 1$/m);
    const r = promtool(text);
    assert.equal(r.status, 0, `promtool rejected:\n${r.out}\n---\n${text}`);

    // And promtool does catch a broken exposition (the check can fail).
    const broken = promtool('# TYPE a counter\na_total{x="1} 1\n');
    assert.notEqual(broken.status, 0);
  });
});

describe('exposition text format over the real MemoryStore', () => {
  it('renders what MetricsToStore wrote into the store, latest values only, stale series left out', () => {
    const t0 = 1_700_000_000_000;
    const store = new MemoryStore({ now: () => t0 + 60_000 });
    const conv = new MetricsToStore(store);
    const req = (t: number, v: number): ExportMetricsServiceRequest => ({ resourceMetrics: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
      scopeMetrics: [{ metrics: [
        { name: 'jobs', description: 'Jobs done', sum: { isMonotonic: true, aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPoints: [{ startTimeUnixNano: t0 * 1e6, timeUnixNano: t * 1e6, asDouble: v }] } },
      ] }],
    }] });
    conv.translate(req(t0 + 10_000, 3));
    conv.translate(req(t0 + 20_000, 5));
    store.append({ __name__: 'gone' }, t0 + 1000, 1);
    store.markStale({ __name__: 'gone' }, t0 + 2000);
    const text = renderExposition(store);
    assert.equal(text, '# HELP jobs_total Jobs done\n# TYPE jobs_total counter\njobs_total{job="svc"} 5\n');
  });
});
