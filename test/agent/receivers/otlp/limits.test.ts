/**
 * The receiver's guards (issue 8, items 3, 5 and 7): per-point limits as OTLP
 * partial success (a point stamped in 2200, a histogram with 100k bounds),
 * the memory limiter refusing before the body is read, and a Retry-After
 * that grows while refusals last.
 */
import assert from 'node:assert/strict';
import { decodeResponse, encodeProtoRequest } from '../../../../agent/otlp/codec';
import type { ExportMetricsServiceRequest } from '../../../../agent/otlp/model';
import { RetryableError } from '../../../../agent/component/component';
import { GrowingRetryAfter } from '../../../../agent/receivers/otlp/retry-after';
import { MemoryLimiter, resolveLimits } from '../../../../agent/receivers/otlp/memory-limiter';
import { counterValue, startReceiver, type RunningReceiver } from './host';
import { post, PROTO } from './client';
import * as grpc from '@grpc/grpc-js';
import { exportMethodPath } from '../../../../agent/receivers/otlp/grpc';

const MS = 1_000_000n;
const ATTRS = { signal: 'metrics', receiver: 'otlp', transport: 'http' };

function gaugeRequest(times: number[]): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'temp', gauge: { dataPoints: times.map((t, i) => ({ timeUnixNano: (BigInt(t) * MS).toString(), asDouble: i })) } }] }] }],
  } as unknown as ExportMetricsServiceRequest;
}

function histogramRequest(bounds: number): ExportMetricsServiceRequest {
  const explicitBounds = Array.from({ length: bounds }, (_, i) => i + 1);
  return {
    resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'huge', histogram: { aggregationTemporality: 2, dataPoints: [
      { timeUnixNano: (BigInt(Date.now()) * MS).toString(), count: '1', explicitBounds, bucketCounts: Array.from({ length: bounds + 1 }, (_, i) => (i === 0 ? '1' : '0')) },
    ] } }] }] }],
  } as unknown as ExportMetricsServiceRequest;
}

const send = (r: RunningReceiver, req: ExportMetricsServiceRequest) =>
  post(`${r.url}/v1/metrics`, Buffer.from(encodeProtoRequest('metrics', req)), { headers: PROTO });

describe('OTLP receiver limits', function () {
  this.timeout(20_000);
  let r: RunningReceiver;
  afterEach(async () => r?.stop());

  it('a point stamped in 2200 is rejected as partial success; the real one passes', async () => {
    r = await startReceiver();
    const res = await send(r, gaugeRequest([Date.UTC(2200, 0, 1), Date.now()]));
    assert.equal(res.status, 200);
    const partial = decodeResponse('metrics', 'proto', res.body);
    assert.equal(partial.rejected, 1);
    assert.match(partial.errorMessage, /2200-01-01, more than 600s ahead .*max_future/);
    const passed = r.consumer.of('metrics');
    assert.equal(passed.length, 1);
    assert.equal(passed[0].resourceMetrics[0].scopeMetrics[0].metrics[0].gauge!.dataPoints.length, 1);
    assert.equal(await counterValue(r.host, 'lookout_receiver_rejected_items', { ...ATTRS, reason: 'future_timestamp' }), 1);
  });

  it('a histogram point with 100 000 bounds is rejected, not turned into 100 000 series', async () => {
    r = await startReceiver();
    const res = await send(r, histogramRequest(100_000));
    assert.equal(res.status, 200);
    const partial = decodeResponse('metrics', 'proto', res.body);
    assert.equal(partial.rejected, 1);
    assert.match(partial.errorMessage, /100001 buckets, over receivers\.otlp\.limits\.max_histogram_buckets \(320\)/);
    assert.equal(r.consumer.of('metrics').length, 0);
    assert.equal(await counterValue(r.host, 'lookout_receiver_rejected_items', { ...ATTRS, reason: 'histogram_buckets' }), 1);
    // Within the limit passes.
    assert.equal(decodeResponse('metrics', 'proto', (await send(r, histogramRequest(20))).body).rejected, 0);
  });

  it('over the memory limit: 503 + Retry-After before the body is read, nothing reaches the pipeline', async () => {
    r = await startReceiver({ memory_limiter: { limit_mib: 1, spike_limit_mib: 0 } });
    const res = await send(r, gaugeRequest([Date.now()]));
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '1');
    assert.equal(res.headers.connection, 'close');
    assert.match(String(res.body), /memory limit/);
    assert.equal(r.consumer.of('metrics').length, 0);
    assert.equal(await counterValue(r.host, 'lookout_receiver_memory_limited_requests', ATTRS), 1);
    // A large body too: the sender gets the 503 (the body is discarded unread), not a reset connection.
    const big = await post(`${r.url}/v1/metrics`, Buffer.alloc(8 * 1024 * 1024, 1), { headers: PROTO });
    assert.equal(big.status, 503);
    assert.equal(r.consumer.of('metrics').length, 0);
  });

  it('over the memory limit, OTLP/gRPC answers RESOURCE_EXHAUSTED before decoding', async () => {
    r = await startReceiver({ http: undefined, grpc: { endpoint: '127.0.0.1:0' }, memory_limiter: { limit_mib: 1, spike_limit_mib: 0 } });
    const client = new grpc.Client(r.receiver.grpcAddress!, grpc.credentials.createInsecure());
    try {
      // Not even valid protobuf: refused before anyone tries to decode it.
      const err = await new Promise<grpc.ServiceError | null>((resolve) => {
        client.makeUnaryRequest(exportMethodPath('metrics'), (b: Buffer) => b, (b: Buffer) => b, Buffer.from('not protobuf'), new grpc.Metadata(),
          { deadline: Date.now() + 10_000 }, (e: grpc.ServiceError | null) => resolve(e));
      });
      assert.equal(err?.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.match(err!.details, /memory limit/);
      assert.ok(err!.metadata.get('grpc-status-details-bin').length > 0, 'RetryInfo sent');
      assert.equal(await counterValue(r.host, 'lookout_receiver_memory_limited_requests', { ...ATTRS, transport: 'grpc' }), 1);
    } finally {
      client.close();
    }
  });

  it('a disabled memory limiter never refuses', async () => {
    r = await startReceiver({ memory_limiter: { enabled: false, limit_mib: 1, spike_limit_mib: 0 } });
    assert.equal((await send(r, gaugeRequest([Date.now()]))).status, 200);
  });

  it('queue-full refusals carry Retry-After', async () => {
    r = await startReceiver();
    r.consumer.behaviour = () => { throw new RetryableError('queue is full'); };
    const res = await send(r, gaugeRequest([Date.now()]));
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '1');
  });

  it('Retry-After doubles while the pressure lasts (at most once per delay), caps, and resets', () => {
    let now = 0;
    const ra = new GrowingRetryAfter(1, 8, () => now);
    assert.equal(ra.next(), 1);
    now = 500;
    assert.equal(ra.next(), 1, 'many refusals within one delay do not escalate');
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      now += ra.seconds * 1000;
      seen.push(ra.next());
    }
    assert.deepEqual(seen, [2, 4, 8, 8, 8, 8]);
    ra.reset();
    assert.equal(ra.next(), 1);
    now += 1000;
    assert.equal(ra.next(), 2);
    now += 60_000;
    assert.equal(ra.next(), 1, 'no refusal for a minute: a new episode');
  });

  it('the memory limiter refuses above limit - spike and stops once under it', () => {
    let used = 100 * 1048576;
    let heapUsed = 10;
    const changes: boolean[] = [];
    const l = new MemoryLimiter({ enabled: true, check_interval: 1000, limit_mib: 200, spike_limit_mib: 40, heap_limit_percentage: 85 },
      { measure: () => ({ rss: used, heapUsed, heapLimit: 100 }), onChange: (x) => changes.push(x) });
    l.check();
    assert.equal(l.refusing, false);
    used = 170 * 1048576;
    l.check();
    assert.equal(l.refusing, true);
    used = 150 * 1048576;
    l.check();
    assert.equal(l.refusing, false);
    heapUsed = 90;
    l.check();
    assert.equal(l.refusing, true, 'the V8 heap near its limit refuses too');
    assert.equal(l.reason, 'heap');
    heapUsed = 50;
    l.check();
    assert.deepEqual(changes, [true, false, true, false]);
  });

  it('limits default to 80 % of the container limit, spike 20 % of that', () => {
    const gib = 1024 ** 3;
    assert.deepEqual(resolveLimits({ enabled: true, check_interval: 1000 }, gib), { limitBytes: Math.floor(gib * 0.8), softBytes: Math.floor(gib * 0.8) - Math.floor(gib * 0.8 * 0.2) });
    assert.equal(resolveLimits({ enabled: true, check_interval: 1000 }, undefined, 8 * gib).limitBytes, Math.floor(8 * gib * 0.8), 'no container limit: the machine\'s memory');
    assert.deepEqual(resolveLimits({ enabled: true, check_interval: 1000, limit_mib: 200, spike_limit_mib: 40 }, gib), { limitBytes: 200 * 1048576, softBytes: 160 * 1048576 });
  });
});
