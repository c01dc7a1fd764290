/**
 * The scrape loop against a scripted HTTP target and a real MemoryStore:
 * staleness, the synthetic series, honor_labels / honor_timestamps, and
 * every limit (sample_limit, label_limit, body_size_limit, scrape_timeout).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { MemoryStore } from '../../../../agent/store';
import { scrapeConfigSchema, type ScrapeConfig } from '../../../../agent/receivers/prometheus/config';
import { Relabeler } from '../../../../agent/receivers/prometheus/relabel';
import { ScrapeLoop, type ScrapeReport } from '../../../../agent/receivers/prometheus/scrape-loop';
import { SCRAPE_ACCEPT_HEADER } from '../../../../agent/receivers/prometheus/fetch';

describe('receivers.prometheus scrape loop', () => {
  let server: http.Server;
  let body = '';
  let contentType = 'text/plain; version=0.0.4';
  let delayMs = 0;
  let gzip = false;
  let lastHeaders: http.IncomingHttpHeaders = {};
  let url = '';

  before(async () => {
    server = http.createServer((req, res) => {
      lastHeaders = req.headers;
      setTimeout(() => {
        const payload = gzip ? zlib.gzipSync(body) : Buffer.from(body);
        res.writeHead(200, { 'content-type': contentType, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
        res.end(payload);
      }, delayMs);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  after(() => { server.closeAllConnections(); server.close(); });
  beforeEach(() => { body = ''; contentType = 'text/plain; version=0.0.4'; delayMs = 0; gzip = false; });

  function loop(store: MemoryStore, over: Partial<Record<keyof ScrapeConfig, unknown>> = {}, reports: ScrapeReport[] = []): ScrapeLoop {
    const sc = scrapeConfigSchema.parse({ job_name: 'app', ...over });
    return new ScrapeLoop({ discovered: {}, labels: { job: 'app', instance: 't:1' }, url }, sc, { intervalMs: 1000, timeoutMs: 300 }, {
      appender: store, metricRelabel: new Relabeler(sc.metric_relabel_configs), baseDir: (p) => p, onScrape: (r) => reports.push(r),
    });
  }
  const value = (store: MemoryStore, name: string, t: number, extra: Record<string, string> = {}) => {
    const s = store.select([{ name: '__name__', type: '=', value: name }, ...Object.entries(extra).map(([n, v]) => ({ name: n, type: '=' as const, value: v }))], 0, 1e15);
    return s.map((x) => ({ labels: x.labels, v: Array.from(x.v), stale: Array.from(x.staleT) }));
  };

  it('writes samples and the five synthetic series, sends Prometheus\' headers, and marks vanished series stale', async () => {
    const store = new MemoryStore();
    const l = loop(store);
    body = 'a 1\nb{x="1"} 2\nb{x="2"} 3\n';
    await l.scrapeAndReport(1000);
    assert.equal(lastHeaders.accept, SCRAPE_ACCEPT_HEADER);
    assert.equal(lastHeaders['x-prometheus-scrape-timeout-seconds'], '0.3');
    assert.match(String(lastHeaders['user-agent']), /^Lookout\//);
    assert.deepEqual(value(store, 'a', 1000), [{ labels: { __name__: 'a', job: 'app', instance: 't:1' }, v: [1], stale: [] }]);
    const synth = (name: string, t: number) => value(store, name, t)[0]?.v.at(-1);
    assert.equal(synth('up', 1000), 1);
    assert.equal(synth('scrape_samples_scraped', 1000), 3);
    assert.equal(synth('scrape_samples_post_metric_relabeling', 1000), 3);
    assert.equal(synth('scrape_series_added', 1000), 3);
    assert.ok(synth('scrape_duration_seconds', 1000)! >= 0);
    body = 'a 1\nb{x="1"} 2\n';
    await l.scrapeAndReport(2000);
    assert.deepEqual(value(store, 'b', 2000, { x: '2' })[0].stale, [2000], 'b{x="2"} went away: stale marker');
    assert.equal(synth('scrape_series_added', 2000), 0);
    await l.stop(true);
    assert.equal(value(store, 'up', 2000)[0].stale.length, 1, 'a stopped target marks up stale too');
    assert.equal(value(store, 'a', 2000)[0].stale.length, 1);
  });

  it('honor_labels and honor_timestamps as in Prometheus', async () => {
    body = 'm{job="inner",k="v"} 1 5000\n';
    const s1 = new MemoryStore({ maxFutureMs: 0 });
    await loop(s1).scrapeAndReport(9000);
    assert.deepEqual(value(s1, 'm', 5000)[0].labels, { __name__: 'm', job: 'app', exported_job: 'inner', instance: 't:1', k: 'v' });
    const s2 = new MemoryStore({ maxFutureMs: 0 });
    await loop(s2, { honor_labels: true, honor_timestamps: false }).scrapeAndReport(9000);
    const got = store2(s2);
    assert.deepEqual(got.labels, { __name__: 'm', job: 'inner', instance: 't:1', k: 'v' });
    assert.deepEqual(got.t, [9000], 'the scrape time, not the exposed timestamp');
    function store2(s: MemoryStore) {
      const x = s.select([{ name: '__name__', type: '=', value: 'm' }], 0, 10_000)[0];
      return { labels: x.labels, t: Array.from(x.t) };
    }
  });

  it('sample_limit, label_limit, body_size_limit and scrape_timeout fail the scrape (up 0, nothing written)', async () => {
    const cases: [Partial<Record<keyof ScrapeConfig, unknown>>, () => void, RegExp][] = [
      [{ sample_limit: 2 }, () => { body = 'a 1\nb 2\nc 3\n'; }, /sample limit exceeded/],
      [{ label_limit: 2 }, () => { body = 'a{x="1",y="2"} 1\n'; }, /label_limit exceeded/],
      [{ body_size_limit: 100 }, () => { body = `a 1\n${'#'.repeat(200)}\n`; gzip = true; }, /body size limit exceeded/],
      [{}, () => { body = 'a 1\n'; delayMs = 1000; }, /deadline exceeded/],
      [{}, () => { body = 'a{ 1\n'; }, /line 1/],
    ];
    for (const [over, setup, re] of cases) {
      setup();
      const store = new MemoryStore();
      const reports: ScrapeReport[] = [];
      const started = Date.now();
      await loop(store, over, reports).scrapeAndReport(1000);
      assert.ok(Date.now() - started < 900, 'bounded by the scrape timeout');
      assert.match(reports[0].error ?? '', re);
      assert.equal(value(store, 'up', 1000)[0].v[0], 0);
      assert.deepEqual(value(store, 'a', 1000), []);
      delayMs = 0;
      gzip = false;
    }
  });

  it('a failed scrape marks every series of the last good scrape stale', async () => {
    const store = new MemoryStore();
    const l = loop(store);
    body = 'a 1\n';
    await l.scrapeAndReport(1000);
    body = 'broken{';
    await l.scrapeAndReport(2000);
    assert.deepEqual(value(store, 'a', 2000)[0].stale, [2000]);
    assert.deepEqual(value(store, 'up', 2000)[0].v, [1, 0]);
  });

  it('a large exposition is parsed and stored in slices: the event loop keeps turning during the scrape', async () => {
    body = Array.from({ length: 40_000 }, (_, i) => `big{i="${i}"} ${i}`).join('\n') + '\n';
    const store = new MemoryStore({ maxSeries: 200_000 });
    let turns = 0;
    let spinning = true;
    const spin = () => { turns++; if (spinning) setImmediate(spin); };
    const l = new ScrapeLoop({ discovered: {}, labels: { job: 'app', instance: 't:1' }, url }, scrapeConfigSchema.parse({ job_name: 'app' }), { intervalMs: 60_000, timeoutMs: 30_000 }, {
      appender: store, metricRelabel: new Relabeler([]), baseDir: (p) => p,
    });
    const fetched = new Promise<void>((r) => server.once('request', () => r()));
    const scrape = l.scrapeAndReport(1000);
    await fetched;
    const before = turns;
    setImmediate(spin);
    await scrape;
    spinning = false;
    assert.equal(value(store, 'scrape_samples_scraped', 1000)[0].v[0], 40_000);
    // 40 000 lines take far more than one 10 ms slice: other work must have run between slices.
    assert.ok(turns - before >= 5, `the event loop turned ${turns - before} times during the scrape`);
  });

  it('reads OpenMetrics responses by their Content-Type', async () => {
    const store = new MemoryStore();
    contentType = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
    body = '# TYPE c counter\nc_total 3 # {trace_id="x"} 1\nc_created 1.5\n# EOF\n';
    const reports: ScrapeReport[] = [];
    await loop(store, {}, reports).scrapeAndReport(1000);
    assert.equal(value(store, 'c_total', 1000)[0].v[0], 3);
    assert.equal(value(store, 'c_created', 1000)[0].v[0], 1.5);
    assert.equal(reports[0].exemplars, 1);
  });
});
