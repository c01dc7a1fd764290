/**
 * OTLP receiver throughput on a realistic 512-span protobuf request,
 * reported as requests/s and MB/s and as a ratio against protobufjs decoding
 * the same bytes (the floor of what any protobufjs-based receiver can do):
 *
 *   raw decode          requestType('traces').decode(bytes), nothing else
 *   receiver core       decode + validate + count + a no-op consumer, in-process
 *   HTTP proto          POST /v1/traces over loopback (4 keep-alive connections from a worker thread)
 *   HTTP proto + gzip   the same body gzip-compressed on the wire
 *   HTTP json           the same request as OTLP/JSON
 *
 * Not part of `npm test`. Run: npx tsx bench/receivers/otlp/receiver.bench.ts
 * (LOOKOUT_BENCH_SECONDS / LOOKOUT_BENCH_ROUNDS: default 3 rounds of 2 s per case, best round kept).
 * The HTTP cases share the machine's cores with the load generator.
 */
import zlib from 'node:zlib';
import { scanTraceRequest, visitSpans, type SpanmetricsVisitor } from '../../../agent/otlp/wire/traces';
import { buildBodies } from '../../ingest/spans';
import pino from 'pino';
import express from 'express';
import { Worker } from 'node:worker_threads';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { requestType } from '../../../agent/otlp/root';
import { decodeProtoRequest, encodeJsonRequest, encodeProtoRequest } from '../../../agent/otlp/codec';
import { countItems } from '../../../agent/otlp/count';
import type { Consumer, Host } from '../../../agent/component/component';
import type { ExportTraceServiceRequest, KeyValue } from '../../../agent/otlp/model';
import { OtlpReceiver, otlpReceiverConfigSchema } from '../../../agent/receivers/otlp';
import { validateRequest } from '../../../agent/receivers/otlp/validate';
import { timeLoop } from '../../timing';

const SECONDS = Number(process.env.LOOKOUT_BENCH_SECONDS ?? 2);
/** Each case runs this many times and reports its best round: the machine is shared, noise only ever slows a round down. */
const ROUNDS = Number(process.env.LOOKOUT_BENCH_ROUNDS ?? 3);

async function best(measure: () => number | Promise<number>): Promise<number> {
  let top = 0;
  for (let i = 0; i < ROUNDS; i++) top = Math.max(top, await measure());
  return top;
}
const SPANS = 512;

function str(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}
function int(key: string, value: number): KeyValue {
  return { key, value: { intValue: value } };
}

/** What an instrumented web service sends: server spans with DB and HTTP client children. */
export function realisticTraceRequest(spans = SPANS): ExportTraceServiceRequest {
  const traceId = (t: number) => Buffer.from(t.toString(16).padStart(32, '0').replace(/^0/, 'a'), 'hex');
  const spanId = (s: number) => Buffer.from((s + 1).toString(16).padStart(16, '0'), 'hex');
  const start = 1_700_000_000_000_000_000n;
  const out = [];
  for (let i = 0; i < spans; i++) {
    const t = Math.floor(i / 8);
    const root = i % 8 === 0;
    const kind = root ? 2 : i % 8 < 5 ? 3 : 1;
    const s0 = start + BigInt(i) * 1_000_000n;
    out.push({
      traceId: traceId(t + 1),
      spanId: spanId(i),
      parentSpanId: root ? undefined : spanId(t * 8),
      traceState: root ? 'vendor=abc123' : '',
      flags: 0x101,
      name: root ? 'GET /api/orders/:id' : kind === 3 ? 'SELECT shop.orders' : 'render template',
      kind,
      startTimeUnixNano: s0.toString(),
      endTimeUnixNano: (s0 + 4_250_000n).toString(),
      attributes: root
        ? [str('http.request.method', 'GET'), str('http.route', '/api/orders/:id'), str('url.path', `/api/orders/${i}`), str('url.scheme', 'https'),
          int('http.response.status_code', i % 50 === 0 ? 500 : 200), str('server.address', 'orders.internal'), int('server.port', 8443),
          str('user_agent.original', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'),
          str('client.address', '10.1.2.3'), str('network.protocol.version', '1.1')]
        : kind === 3
          ? [str('db.system', 'postgresql'), str('db.namespace', 'shop'), str('db.operation.name', 'SELECT'),
            str('db.query.text', 'SELECT id, status, total, created_at FROM orders WHERE id = $1 AND tenant_id = $2'),
            str('server.address', 'pg-primary.internal'), int('server.port', 5432)]
          : [str('template.name', 'order.html'), int('template.bytes', 18234)],
      events: i % 50 === 0 ? [{ timeUnixNano: (s0 + 4_000_000n).toString(), name: 'exception', attributes: [str('exception.type', 'TimeoutError'), str('exception.message', 'query timed out after 4000 ms'), str('exception.stacktrace', 'TimeoutError: query timed out\n    at Pool.query (pg/lib/pool.js:45:11)\n    at OrdersRepo.find (src/orders.ts:88:21)')] }] : [],
      links: i % 64 === 0 ? [{ traceId: traceId(999), spanId: spanId(999), attributes: [str('messaging.system', 'kafka')] }] : [],
      status: i % 50 === 0 ? { code: 2, message: 'query timed out' } : { code: 0 },
    });
  }
  return {
    resourceSpans: [{
      resource: {
        attributes: [
          str('service.name', 'orders'), str('service.namespace', 'shop'), str('service.version', '2.14.1'), str('service.instance.id', 'orders-7d9f8c6b5-x2k4q'),
          str('deployment.environment.name', 'production'), str('host.name', 'ip-10-1-2-3'), str('k8s.pod.name', 'orders-7d9f8c6b5-x2k4q'),
          str('k8s.namespace.name', 'shop'), str('telemetry.sdk.name', 'opentelemetry'), str('telemetry.sdk.language', 'nodejs'), str('telemetry.sdk.version', '2.12.0'),
        ],
      },
      scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.0' }, spans: out }],
    }],
  } as unknown as ExportTraceServiceRequest;
}

export interface BenchResult { name: string; requestsPerSecond: number; mbPerSecond: number; ratio: number }


/**
 * The load generator: keep-alive POST loops in a worker thread, so the client
 * does not share the receiver's event loop. Plain JS (eval) so it needs no
 * TypeScript loader inside the worker.
 */
const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, body, headers, seconds, connections } = workerData;
const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
let ok = 0, failed = 0;
function once() {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': buf.length } }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode === 200) ok++; else failed++; resolve(); });
    });
    req.on('error', () => { failed++; resolve(); });
    req.end(buf);
  });
}
async function loop(deadline) { while (Date.now() < deadline) await once(); }
(async () => {
  await loop(Date.now() + 300); // warm-up, not counted
  ok = 0; failed = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: connections }, () => loop(Date.now() + seconds * 1000)));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  parentPort.postMessage({ ok, failed, elapsed });
})();
`;

async function httpCase(url: string, body: Buffer, headers: Record<string, string>, seconds: number): Promise<number> {
  const worker = new Worker(CLIENT_SOURCE, { eval: true, workerData: { url, body: new Uint8Array(body), headers, seconds, connections: 4 } });
  const { ok, failed, elapsed } = await new Promise<{ ok: number; failed: number; elapsed: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  if (failed) throw new Error(`benchmark requests failed: ${failed} of ${ok + failed}`);
  return ok / elapsed;
}

function fakeHost(): Host {
  return {
    logger: pino({ level: 'silent' }),
    meter: new MeterProvider().getMeter('bench'),
    adminRouter: express.Router(),
    registerMetricsSource: () => undefined,
    storageDir: '/tmp',
  };
}

export async function run(seconds = SECONDS): Promise<BenchResult[]> {
  const request = realisticTraceRequest();
  const proto = Buffer.from(encodeProtoRequest('traces', request));
  const gz = zlib.gzipSync(proto);
  const json = encodeJsonRequest('traces', request);
  const mb = proto.length / 1e6;
  const type = requestType('traces');
  console.log(`request: ${SPANS} spans, ${proto.length} bytes protobuf, ${gz.length} bytes gzip, ${Buffer.byteLength(json)} bytes JSON; best of ${ROUNDS} x ${seconds} s per case`);

  const raw = await best(() => timeLoop(() => { type.decode(proto); }, seconds));
  const noop: Consumer = { consume: async () => undefined };
  const core = await best(() => timeLoop(() => {
    const data = decodeProtoRequest('traces', proto);
    validateRequest('traces', data);
    if (countItems('traces', data) !== SPANS) throw new Error('lost spans');
    void noop.consume('traces', data);
  }, seconds));

  // The fast path (agent/otlp/wire): the strict scan the receiver answers from, and what spanmetrics reads.
  const scan = await best(() => timeLoop(() => { if (scanTraceRequest(proto)?.items !== SPANS) throw new Error('scan refused'); }, seconds));
  const visitor: SpanmetricsVisitor = { resource: () => true, span: (v) => { while (v.attributes.next()) { /* every attribute, as spanmetrics steps through them */ } v.name(); } };
  const visit = await best(() => timeLoop(() => visitSpans(proto, visitor), seconds));

  const receiver = new OtlpReceiver(otlpReceiverConfigSchema.parse({ http: { endpoint: '127.0.0.1:0' } }), noop);
  await receiver.start(fakeHost());
  const url = `${receiver.httpUrl}/v1/traces`;
  let httpProto: number;
  let httpGzip: number;
  let httpJson: number;
  try {
    httpProto = await best(() => httpCase(url, proto, { 'content-type': 'application/x-protobuf' }, seconds));
    httpGzip = await best(() => httpCase(url, gz, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }, seconds));
    httpJson = await best(() => httpCase(url, Buffer.from(json), { 'content-type': 'application/json' }, seconds));
  } finally {
    await receiver.shutdown();
  }

  // MB/s is always of decoded protobuf-equivalent payload, so the rows compare.
  const results: BenchResult[] = [
    { name: 'raw protobufjs decode', requestsPerSecond: raw, mbPerSecond: raw * mb, ratio: 1 },
    { name: 'receiver core (decode+validate+count)', requestsPerSecond: core, mbPerSecond: core * mb, ratio: core / raw },
    { name: 'strict wire scan (count+validate, no decode)', requestsPerSecond: scan, mbPerSecond: scan * mb, ratio: scan / raw },
    { name: 'spanmetrics wire visit (name, attributes)', requestsPerSecond: visit, mbPerSecond: visit * mb, ratio: visit / raw },
    { name: 'HTTP proto', requestsPerSecond: httpProto, mbPerSecond: httpProto * mb, ratio: httpProto / raw },
    { name: 'HTTP proto + gzip', requestsPerSecond: httpGzip, mbPerSecond: httpGzip * mb, ratio: httpGzip / raw },
    { name: 'HTTP json', requestsPerSecond: httpJson, mbPerSecond: httpJson * mb, ratio: httpJson / raw },
  ];
  console.log('case                                      req/s     MB/s   vs raw decode');
  for (const r of results) {
    console.log(`${r.name.padEnd(40)} ${r.requestsPerSecond.toFixed(0).padStart(6)} ${r.mbPerSecond.toFixed(1).padStart(8)}   ${(r.ratio * 100).toFixed(0).padStart(4)} %`);
  }
  await fastPathOnTestbedShapes(seconds);
  return results;
}

/**
 * The fast path on the testbed's span shapes (bench/ingest/spans.ts, 100-span
 * requests, string attributes as every SDK lays them out): time per request
 * of the strict scan and the spanmetrics visit next to protobufjs' decode.
 */
async function fastPathOnTestbedShapes(seconds: number): Promise<void> {
  const visitor: SpanmetricsVisitor = { resource: () => true, span: (v) => { while (v.attributes.next()) { /* every attribute */ } v.name(); } };
  console.log('testbed shapes, 100-span requests: µs per request (share of the decode)');
  for (const shape of ['large', 'testbed'] as const) {
    const bodies = buildBodies(shape, 20, 100).map((b) => Buffer.from(b));
    let i = 0;
    const next = () => bodies[i++ % bodies.length];
    const type = requestType('traces');
    const us = async (f: () => void) => 1e6 / await best(() => timeLoop(f, seconds));
    const decode = await us(() => { type.decode(next()); });
    const scan = await us(() => { scanTraceRequest(next()); });
    const visit = await us(() => visitSpans(next(), visitor));
    const share = (x: number) => `${x.toFixed(0).padStart(5)} µs (${(100 * x / decode).toFixed(0).padStart(3)} %)`;
    console.log(`  ${shape.padEnd(8)} decode ${share(decode)}   strict scan ${share(scan)}   spanmetrics visit ${share(visit)}`);
  }
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
