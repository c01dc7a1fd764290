/**
 * The remote-write exporter against a scripted HTTP endpoint and a real
 * MemoryStore: the wire format (headers, snappy, WriteRequest), external
 * labels and write relabeling, no retry on 4xx, retries on 5xx and 429
 * honouring Retry-After, the byte bound, and the disk queue across a restart.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStore } from '../../../../agent/store';
import { remoteWriteExporterConfigSchema } from '../../../../agent/exporters/prometheusremotewrite/config';
import { PrometheusRemoteWriteExporter } from '../../../../agent/exporters/prometheusremotewrite/exporter';
import { decodeWriteRequest, snappyUncompress, STALE_NAN, type RwWriteRequest } from '../../../../agent/exporters/prometheusremotewrite/proto';
import { testHost, type TestHost } from '../../../helpers/test-host';
import { waitFor } from '../../../helpers/wait';

interface Got { headers: http.IncomingHttpHeaders; req: RwWriteRequest; at: number }

describe('exporters.prometheusremotewrite', () => {
  let server: http.Server;
  let url = '';
  let got: Got[] = [];
  /** Status answers to give, in order; then 204. */
  let script: { status: number; headers?: Record<string, string> }[] = [];
  const hosts: TestHost[] = [];
  const exporters: PrometheusRemoteWriteExporter[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const next = script.shift() ?? { status: 204 };
        if (next.status < 300) got.push({ headers: req.headers, req: decodeWriteRequest(snappyUncompress(Buffer.concat(chunks))), at: Date.now() });
        else got.push({ headers: req.headers, req: { timeseries: [] }, at: Date.now() });
        res.writeHead(next.status, next.headers).end(next.status >= 300 ? 'nope' : '');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
  });
  after(() => { server.closeAllConnections(); server.close(); });
  beforeEach(() => { got = []; script = []; });
  afterEach(async () => {
    for (const e of exporters.splice(0)) await e.shutdown();
    for (const h of hosts.splice(0)) await h.cleanup();
  });

  async function start(store: MemoryStore, over: Record<string, unknown> = {}, host = testHost()): Promise<PrometheusRemoteWriteExporter> {
    const config = remoteWriteExporterConfigSchema.parse({ endpoint: url, batch: { timeout: '20ms' }, retry_on_failure: { initial_interval: '10ms', max_interval: '50ms' }, sending_queue: { storage: 'memory' }, ...over });
    const e = new PrometheusRemoteWriteExporter('prometheusremotewrite', config, { store, shutdownDeadlineMs: 1000 });
    await e.start(host);
    hosts.push(host);
    exporters.push(e);
    return e;
  }
  const delivered = () => got.flatMap((g) => g.req.timeseries.flatMap((ts) => ts.samples.map((s) => ({ labels: Object.fromEntries(ts.labels.map((l) => [l.name, l.value])), ...s }))));

  it('sends remote write 1.0: headers, snappy WriteRequest, sorted labels, external labels, write relabeling, stale markers', async () => {
    const store = new MemoryStore();
    store.append({ __name__: 'before_start', job: 'x' }, 500, 1); // history before the exporter started is not sent
    await start(store, {
      external_labels: { cluster: 'c1', job: 'never-overrides' },
      write_relabel_configs: [{ source_labels: ['__name__'], regex: 'secret_.*', action: 'drop' }],
    });
    store.append({ __name__: 'up', job: 'app', instance: 'i' }, 1000, 1);
    store.append({ __name__: 'up', job: 'app', instance: 'i' }, 2000, 0);
    store.append({ __name__: 'secret_thing', job: 'app' }, 1000, 5);
    store.markStale({ __name__: 'up', job: 'app', instance: 'i' }, 3000);
    await waitFor(() => delivered().length >= 3, { what: 'three samples delivered' });
    const h = got[0].headers;
    assert.equal(h['content-encoding'], 'snappy');
    assert.equal(h['content-type'], 'application/x-protobuf');
    assert.equal(h['x-prometheus-remote-write-version'], '0.1.0');
    assert.match(String(h['user-agent']), /^Lookout\//);
    const d = delivered();
    assert.deepEqual(d.map((s) => [s.labels.__name__, s.timestamp]), [['up', 1000], ['up', 2000], ['up', 3000]]);
    assert.deepEqual(d[0].labels, { __name__: 'up', cluster: 'c1', instance: 'i', job: 'app' });
    assert.deepEqual(got[0].req.timeseries[0].labels.map((l) => l.name), ['__name__', 'cluster', 'instance', 'job'], 'sorted by name');
    const bits = (v: number) => Buffer.from(new Float64Array([v]).buffer).toString('hex');
    assert.equal(bits(d[2].value), bits(STALE_NAN), 'the stale marker is sent as StaleNaN');
  });

  it('retries 5xx and 429 (honouring Retry-After) in order, and never retries a 400', async () => {
    const store = new MemoryStore();
    const e = await start(store);
    script = [{ status: 503 }, { status: 429, headers: { 'retry-after': '1' } }];
    store.append({ __name__: 'a' }, 1000, 1);
    await waitFor(() => delivered().length === 1, { what: 'delivery after retries' });
    assert.equal(got.length, 3);
    assert.ok(got[2].at - got[1].at >= 900, `Retry-After: 1 waited ${got[2].at - got[1].at} ms`);
    assert.equal(e.totals.retries, 2);
    script = [{ status: 400 }];
    store.append({ __name__: 'a' }, 2000, 2);
    await waitFor(() => e.totals.rejected === 1, { what: 'the 400 counted' });
    store.append({ __name__: 'a' }, 3000, 3);
    await waitFor(() => delivered().length === 2, { what: 'the next request' });
    assert.deepEqual(delivered().map((s) => s.value), [1, 3], 'the refused sample is not sent again');
    assert.equal(got.length, 5);
  });

  it('bounds the queue in bytes and counts what does not fit', async () => {
    const store = new MemoryStore();
    script = Array.from({ length: 1000 }, () => ({ status: 503 }));
    const e = await start(store, { sending_queue: { storage: 'memory', max_bytes: 200 }, batch: { timeout: '10ms', max_samples_per_send: 5 } });
    for (let i = 0; i < 50; i++) store.append({ __name__: 'm', i: String(i) }, 1000, i);
    await waitFor(() => e.totals.queue_full > 0, { what: 'queue_full drops' });
    script = [];
  });

  it('the disk queue keeps undelivered requests across a restart', async () => {
    const store = new MemoryStore();
    const host = testHost();
    script = Array.from({ length: 1000 }, () => ({ status: 503 }));
    const e1 = new PrometheusRemoteWriteExporter('rw', remoteWriteExporterConfigSchema.parse({ endpoint: url, batch: { timeout: '10ms' } }), { store, shutdownDeadlineMs: 100 });
    await e1.start(host);
    store.append({ __name__: 'kept' }, 1000, 42);
    await waitFor(() => got.length >= 1, { what: 'a failed attempt' });
    await e1.shutdown();
    script = [];
    got = [];
    const e2 = new PrometheusRemoteWriteExporter('rw', remoteWriteExporterConfigSchema.parse({ endpoint: url, batch: { timeout: '10ms' } }), { store: new MemoryStore(), shutdownDeadlineMs: 100 });
    await e2.start(host);
    exporters.push(e2);
    hosts.push(host);
    await waitFor(() => delivered().length === 1, { what: 'redelivery after restart' });
    assert.deepEqual(delivered()[0].labels, { __name__: 'kept' });
    assert.equal(delivered()[0].value, 42);
  });
});
