/**
 * The OTLP/gRPC front end: the OTel JS SDK's gRPC exporters (plain and gzip)
 * as real clients, and a hand-written @grpc/grpc-js client (plus a raw
 * HTTP/2 one for a gzip bomb) for the error codes, partial success,
 * RetryInfo and size limits.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { PermanentError, RetryableError } from '../../../../agent/component/component';
import { decodeResponse, encodeProtoRequest } from '../../../../agent/otlp/codec';
import { rpcStatusType } from '../../../../agent/otlp/root';
import type { Signal } from '../../../../agent/otlp/model';
import { bytesToHex } from '../../../../agent/otlp/values';
import { exportMethodPath } from '../../../../agent/receivers/otlp/grpc';
import { decodeRetryInfo, RETRY_INFO_TYPE_URL } from '../../../../agent/receivers/otlp/retry-info';
import { counterValue, startReceiver, type RunningReceiver } from './host';
import { gzipBomb } from './bombs';
import {
  assertExportSucceeded, assertLogsArrived, assertMetricsArrived, assertSpansArrived, exportWith, makeLogs, makeMetrics, makeSpans, sdkPointCount,
} from './sdk-data';
import { waitFor } from '../../../helpers/wait';

const hex = (h: string) => Buffer.from(h, 'hex');
const GOOD_SPAN = { traceId: hex('5b8efff798038103d269b633813fc60c'), spanId: hex('eee19b7ec3c1b174'), name: 'good', startTimeUnixNano: 1, endTimeUnixNano: 2 };
const spansRequest = (spans: Record<string, unknown>[]) => ({ resourceSpans: [{ scopeSpans: [{ spans }] }] });

interface UnaryResult { err: grpc.ServiceError | null; body?: Buffer }

/** A minimal OTLP/gRPC client: raw bytes in, raw bytes out, so tests can send anything. */
class RawOtlpGrpcClient {
  readonly client: grpc.Client;
  constructor(address: string, options: grpc.ChannelOptions = {}) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), options);
  }
  export(signal: Signal, body: Uint8Array, path = exportMethodPath(signal)): Promise<UnaryResult> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, Buffer.from(body), new grpc.Metadata(), { deadline: Date.now() + 20_000 },
        (err: grpc.ServiceError | null, res?: Buffer) => resolve({ err, body: res }));
    });
  }
  close(): void {
    this.client.close();
  }
}

describe('OtlpReceiver (OTLP/gRPC)', function () {
  this.timeout(60_000);
  let r: RunningReceiver;
  let client: RawOtlpGrpcClient;
  let address: string;

  before(async () => {
    r = await startReceiver({ http: undefined, grpc: { endpoint: '127.0.0.1:0', max_recv_msg_size_mib: 1 } });
    address = r.receiver.grpcAddress!;
    client = new RawOtlpGrpcClient(address);
  });
  after(async () => {
    client?.close();
    await r?.stop();
  });
  beforeEach(() => { r.consumer.clear(); r.consumer.behaviour = undefined; });

  it('binds the configured host on an ephemeral port; no HTTP listener when http is left out', () => {
    assert.match(address, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(address, '127.0.0.1:0');
    assert.equal(r.receiver.httpAddress, undefined);
  });

  for (const compression of [CompressionAlgorithm.NONE, CompressionAlgorithm.GZIP]) {
    const label = `grpc${compression === CompressionAlgorithm.GZIP ? ' + gzip' : ''}`;

    it(`traces from the SDK ${label} exporter arrive intact`, async () => {
      const spans = await makeSpans(`t-${label}`);
      const exporter = new OTLPTraceExporter({ url: `http://${address}`, compression });
      const before = await counterValue(r.host, 'lookout_receiver_accepted_items', { signal: 'traces', transport: 'grpc' });
      assertExportSucceeded(await exportWith(exporter, spans), label);
      await exporter.shutdown();
      assertSpansArrived(spans, r.consumer.of('traces'));
      assert.equal(await counterValue(r.host, 'lookout_receiver_accepted_items', { signal: 'traces', transport: 'grpc', receiver: 'otlp' }) - before, spans.length);
    });

    it(`metrics from the SDK ${label} exporter arrive intact`, async () => {
      const rm = await makeMetrics(`m-${label}`);
      const exporter = new OTLPMetricExporter({ url: `http://${address}`, compression });
      assertExportSucceeded(await exportWith(exporter, rm), label);
      await exporter.shutdown();
      assertMetricsArrived(rm, r.consumer.of('metrics'));
      assert.ok(sdkPointCount(rm) > 7);
    });

    it(`logs from the SDK ${label} exporter arrive intact`, async () => {
      const logs = await makeLogs(`l-${label}`);
      const exporter = new OTLPLogExporter({ url: `http://${address}`, compression });
      assertExportSucceeded(await exportWith(exporter, logs), label);
      await exporter.shutdown();
      assertLogsArrived(logs, r.consumer.of('logs'));
    });
  }

  it('the service names are the OTLP ones', () => {
    assert.equal(exportMethodPath('traces'), '/opentelemetry.proto.collector.trace.v1.TraceService/Export');
    assert.equal(exportMethodPath('metrics'), '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export');
    assert.equal(exportMethodPath('logs'), '/opentelemetry.proto.collector.logs.v1.LogsService/Export');
  });

  it('partial success: invalid spans dropped and counted in the response', async () => {
    const body = encodeProtoRequest('traces', spansRequest([GOOD_SPAN, { ...GOOD_SPAN, name: 'zero', traceId: Buffer.alloc(16) }]) as never);
    const { err, body: res } = await client.export('traces', body);
    assert.equal(err, null);
    const partial = decodeResponse('traces', 'proto', res!);
    assert.equal(partial.rejected, 1);
    assert.match(partial.errorMessage, /span "zero" .*trace_id is all zeros/);
    assert.deepEqual(r.consumer.of('traces')[0].resourceSpans[0].scopeSpans[0].spans.map((s) => bytesToHex(s.spanId)), ['eee19b7ec3c1b174']);
    assert.equal(await counterValue(r.host, 'lookout_receiver_refused_items', { signal: 'traces', transport: 'grpc' }), 1);
  });

  it('a gzip-compressed call from a grpc-js client is decoded', async () => {
    const gz = new RawOtlpGrpcClient(address, { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip });
    try {
      const { err, body } = await gz.export('traces', encodeProtoRequest('traces', spansRequest([GOOD_SPAN]) as never));
      assert.equal(err, null);
      assert.deepEqual(decodeResponse('traces', 'proto', body!), { rejected: 0, errorMessage: '' });
      assert.equal(r.consumer.of('traces').length, 1);
    } finally {
      gz.close();
    }
  });

  it('a truncated message: INVALID_ARGUMENT with the reason', async () => {
    const good = encodeProtoRequest('traces', spansRequest([GOOD_SPAN]) as never);
    const { err } = await client.export('traces', good.subarray(0, good.length - 3));
    assert.equal(err?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err!.details, /invalid protobuf ExportTraceServiceRequest/);
    assert.equal(r.consumer.received.length, 0);
  });

  it('RetryableError: UNAVAILABLE with a google.rpc.RetryInfo carrying the delay', async () => {
    r.consumer.behaviour = () => { throw new RetryableError('queue full', 3); };
    const { err } = await client.export('logs', encodeProtoRequest('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x' } }] }] }] } as never));
    assert.equal(err?.code, grpc.status.UNAVAILABLE);
    assert.match(err!.details, /retry later: queue full/);
    const details = err!.metadata.get('grpc-status-details-bin')[0] as Buffer;
    assert.ok(details, 'grpc-status-details-bin trailer present');
    const status = rpcStatusType().toObject(rpcStatusType().decode(details), { defaults: true }) as { code: number; message: string; details: { typeUrl: string; value: Uint8Array }[] };
    assert.equal(status.code, grpc.status.UNAVAILABLE);
    assert.equal(status.details[0].typeUrl, RETRY_INFO_TYPE_URL);
    assert.equal(decodeRetryInfo(status.details[0].value), 3);
    assert.equal(await counterValue(r.host, 'lookout_receiver_refused_items', { signal: 'logs', transport: 'grpc' }), 1);
  });

  it('PermanentError: INVALID_ARGUMENT; other errors: UNAVAILABLE without RetryInfo', async () => {
    const body = encodeProtoRequest('traces', spansRequest([GOOD_SPAN]) as never);
    r.consumer.behaviour = () => { throw new PermanentError('never'); };
    let { err } = await client.export('traces', body);
    assert.equal(err?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err!.details, /do not retry: never/);
    r.consumer.behaviour = () => { throw new Error('bug'); };
    ({ err } = await client.export('traces', body));
    assert.equal(err?.code, grpc.status.UNAVAILABLE);
    assert.equal(err!.metadata.get('grpc-status-details-bin').length, 0);
  });

  it('a message over max_recv_msg_size_mib: RESOURCE_EXHAUSTED, and the server keeps serving', async () => {
    const big = encodeProtoRequest('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x'.repeat(1.5 * 1024 * 1024) } }] }] }] } as never);
    const { err } = await client.export('logs', big);
    assert.equal(err?.code, grpc.status.RESOURCE_EXHAUSTED);
    const ok = await client.export('traces', encodeProtoRequest('traces', spansRequest([GOOD_SPAN]) as never));
    assert.equal(ok.err, null);
  });

  it('a 1 GiB gzip bomb in one gRPC message is refused without inflating it', async () => {
    const bomb = gzipBomb();
    const session = http2.connect(`http://${address}`);
    try {
      const started = Date.now();
      const stream = session.request({
        ':method': 'POST', ':path': exportMethodPath('traces'), 'content-type': 'application/grpc', te: 'trailers', 'grpc-encoding': 'gzip',
      });
      const header = Buffer.alloc(5);
      header[0] = 1; // compressed
      header.writeUInt32BE(bomb.length, 1);
      stream.end(Buffer.concat([header, bomb]));
      const trailers = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
        let headers: http2.IncomingHttpHeaders = {};
        stream.on('response', (h) => { headers = h; });
        stream.on('trailers', (t) => resolve({ ...headers, ...t }));
        stream.on('error', reject);
        stream.on('close', () => resolve(headers));
        stream.resume();
      });
      assert.equal(Number(trailers['grpc-status']), grpc.status.RESOURCE_EXHAUSTED, JSON.stringify(trailers));
      assert.match(decodeURIComponent(String(trailers['grpc-message'])), /decompresses to a size larger than 1048576/);
      assert.ok(Date.now() - started < 10_000);
    } finally {
      session.close();
    }
    assert.equal(r.consumer.received.length, 0);
    assert.equal((await client.export('traces', encodeProtoRequest('traces', spansRequest([GOOD_SPAN]) as never))).err, null, 'still serving');
  });

  it('an unknown method: UNIMPLEMENTED', async () => {
    const { err } = await client.export('traces', new Uint8Array(), '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export');
    assert.equal(err?.code, grpc.status.UNIMPLEMENTED);
  });

  it('takes event-loop turns: timers run between the pipeline work of calls that arrived together', async () => {
    // As over HTTP (test/agent/component/turns.test.ts): each call holds the loop 30 ms in the pipeline.
    const body = encodeProtoRequest('traces', spansRequest([GOOD_SPAN]) as never);
    const busy = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end) { /* a large decode */ } };
    const log: string[] = [];
    r.consumer.behaviour = () => { log.push('consume'); busy(30); };
    const tick = setInterval(() => { if (log[log.length - 1] !== 'tick') log.push('tick'); }, 1);
    try {
      // One HTTP/2 connection: the six calls' frames arrive together.
      const results = await Promise.all(Array.from({ length: 6 }, () => client.export('traces', body)));
      assert.deepEqual(results.map((x) => x.err?.code ?? 0), [0, 0, 0, 0, 0, 0]);
    } finally {
      clearInterval(tick);
      r.consumer.behaviour = undefined;
    }
    assert.equal(log.filter((e) => e === 'consume').length, 6);
    const backToBack = log.findIndex((e, i) => e === 'consume' && log[i + 1] === 'consume');
    assert.equal(backToBack, -1, `two calls' pipeline work ran without a timer between them: ${log.join(' ')}`);
  });

  it('shutdown lets a pending call finish, then refuses new ones', async () => {
    const own = await startReceiver({ http: undefined, grpc: { endpoint: '127.0.0.1:0' } });
    const c = new RawOtlpGrpcClient(own.receiver.grpcAddress!);
    try {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      let entered = false;
      own.consumer.behaviour = async () => { entered = true; await gate; };
      const body = encodeProtoRequest('traces', spansRequest([GOOD_SPAN]) as never);
      const pending = c.export('traces', body);
      await waitFor(() => entered, { what: 'call reached the consumer' });
      let done = false;
      const stopping = own.receiver.shutdown().then(() => { done = true; });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(done, false, 'shutdown waits for the pending call');
      release();
      assert.equal((await pending).err, null, 'the pending call succeeds');
      await stopping;
      const late = new RawOtlpGrpcClient(own.receiver.grpcAddress!);
      const after = await late.export('traces', body);
      late.close();
      assert.equal(after.err?.code, grpc.status.UNAVAILABLE, 'nothing listens any more');
    } finally {
      c.close();
      await own.stop();
    }
  });
});
