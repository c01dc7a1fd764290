/**
 * Fuzzing the OTLP/HTTP receiver with fast-check: random bytes, mutated
 * valid protobuf, random JSON and OTLP-shaped JSON with values of random
 * types, under random content types and encodings. The receiver must always
 * answer one of 200/400/413/415, never crash, keep serving, and whatever it
 * passes on must be valid and re-encodable (the exporter re-encodes it).
 * About 200 runs in all, so it stays well under 10 s.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { encodeProtoRequest } from '../../../../agent/otlp/codec';
import { countItems } from '../../../../agent/otlp/count';
import type { Signal, SignalData } from '../../../../agent/otlp/model';
import { validateRequest } from '../../../../agent/receivers/otlp/validate';
import { startReceiver, type RunningReceiver } from './host';
import { post } from './client';

const ALLOWED = new Set([200, 400, 413, 415]);
/** LOOKOUT_FUZZ_SCALE=20 explores longer when hunting bugs; the default keeps npm test fast. */
const SCALE = Number(process.env.LOOKOUT_FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const PATHS: Record<Signal, string> = { traces: '/v1/traces', metrics: '/v1/metrics', logs: '/v1/logs' };

const SEEDS: Record<Signal, Uint8Array> = {
  traces: encodeProtoRequest('traces', {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] },
      scopeSpans: [{
        scope: { name: 's', version: '1' },
        spans: [{
          traceId: Buffer.alloc(16, 7), spanId: Buffer.alloc(8, 9), parentSpanId: Buffer.alloc(8, 3), name: 'op', kind: 2,
          startTimeUnixNano: 1, endTimeUnixNano: 2, attributes: [{ key: 'k', value: { arrayValue: { values: [{ intValue: 5 }, { kvlistValue: { values: [{ key: 'x', value: { doubleValue: 1.5 } }] } }] } } }],
          events: [{ name: 'e', timeUnixNano: 3 }], links: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2) }], status: { code: 2, message: 'm' },
        }],
      }],
    }],
  } as never),
  metrics: encodeProtoRequest('metrics', {
    resourceMetrics: [{
      scopeMetrics: [{
        metrics: [
          { name: 'g', gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: 5, exemplars: [{ asInt: 3, spanId: Buffer.alloc(8, 1) }] }] } },
          { name: 'h', histogram: { aggregationTemporality: 2, dataPoints: [{ count: 3, sum: 2, bucketCounts: [1, 2], explicitBounds: [1] }] } },
          { name: 'e', exponentialHistogram: { dataPoints: [{ count: 3, scale: 2, positive: { offset: 1, bucketCounts: [1, 2] } }] } },
          { name: 's', summary: { dataPoints: [{ count: 1, quantileValues: [{ quantile: 0.5, value: 1 }] }] } },
        ],
      }],
    }],
  } as never),
  logs: encodeProtoRequest('logs', {
    resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { kvlistValue: { values: [{ key: 'a', value: { bytesValue: Buffer.from('xy') } }] } }, severityNumber: 9, traceId: Buffer.alloc(16, 4) }] }] }],
  } as never),
};

/** bytes fields must hold bytes: downstream code (hex ids, re-encoding) relies on Uint8Array. */
function assertBytesFields(value: unknown, path = ''): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertBytesFields(v, `${path}[${i}]`));
    return;
  }
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (['traceId', 'spanId', 'parentSpanId', 'bytesValue'].includes(key) && v !== null && v !== undefined) {
      assert.ok(v instanceof Uint8Array, `${path}.${key} is ${Object.prototype.toString.call(v)}, not bytes`);
    }
    assertBytesFields(v, `${path}.${key}`);
  }
}

const signalArb = fc.constantFrom<Signal>('traces', 'metrics', 'logs');

/** Replaces, deletes, inserts bytes and truncates: valid-looking protobuf that is subtly wrong. */
const mutatedProto = signalArb.chain((signal) => fc.record({
  signal: fc.constant(signal),
  edits: fc.array(fc.record({ kind: fc.constantFrom('set', 'delete', 'insert'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }),
  truncate: fc.option(fc.nat(), { nil: undefined }),
}).map(({ edits, truncate }) => {
  const bytes = [...SEEDS[signal]];
  for (const e of edits) {
    const at = e.at % (bytes.length + 1);
    if (e.kind === 'set') bytes[at % bytes.length] = e.byte;
    else if (e.kind === 'delete') bytes.splice(at, 1);
    else bytes.splice(at, 0, e.byte);
  }
  const out = Buffer.from(bytes);
  return { signal, body: truncate === undefined ? out : out.subarray(0, truncate % (out.length + 1)) };
}));

const FIELD_NAMES = [
  'traceId', 'spanId', 'parentSpanId', 'name', 'kind', 'flags', 'startTimeUnixNano', 'endTimeUnixNano', 'attributes', 'events', 'links', 'status',
  'timeUnixNano', 'body', 'severityNumber', 'asInt', 'asDouble', 'gauge', 'sum', 'histogram', 'dataPoints', 'bucketCounts', 'explicitBounds',
  'exponentialHistogram', 'positive', 'summary', 'quantileValues', 'value', 'stringValue', 'intValue', 'kvlistValue', 'arrayValue', 'values', 'key',
  '__proto__', 'constructor',
];
const jsonish = fc.jsonValue({ maxDepth: 3 });
const idLike = fc.constantFrom('ABCDEF0123456789'.repeat(2), '00'.repeat(8), '0102030405060708', [1, 2, 3, 4, 5, 6, 7, 8], { length: 16 });
const fieldBag = fc.dictionary(fc.constantFrom(...FIELD_NAMES), fc.oneof(jsonish, idLike, fc.record({ bytesValue: fc.oneof(jsonish, idLike) })), { maxKeys: 6 });

/** JSON shaped like OTLP down to the item, with random keys and values of random types inside. */
const otlpShapedJson = signalArb.chain((signal) => fc.array(fieldBag, { maxLength: 3 }).map((items) => {
  const body = signal === 'traces' ? { resourceSpans: [{ scopeSpans: [{ spans: items }] }] }
    : signal === 'metrics' ? { resourceMetrics: [{ scopeMetrics: [{ metrics: items.map((m) => ({ name: 'm', gauge: { dataPoints: [m] }, ...m })) }] }] }
      : { resourceLogs: [{ scopeLogs: [{ logRecords: items }] }] };
  return { signal, body: Buffer.from(JSON.stringify(body)) };
}));

const headersArb = fc.record({
  'content-type': fc.constantFrom('application/x-protobuf', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/octet-stream'),
  compress: fc.constantFrom('none', 'gzip', 'deflate', 'bogus'),
});

describe('OTLP/HTTP receiver fuzzing', function () {
  this.timeout(60_000);
  let r: RunningReceiver;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  let passedOn = 0;

  before(async () => {
    r = await startReceiver({ http: { endpoint: '127.0.0.1:0', max_request_body_size: 256 * 1024 } });
    // Whatever gets through must be valid and re-encodable: the exporter will encode it again.
    r.consumer.behaviour = (signal, data) => {
      passedOn++;
      assert.ok(countItems(signal, data) > 0, 'only non-empty requests are passed on');
      assert.equal(validateRequest(signal, data as SignalData[typeof signal]).rejected, 0, 'only valid items are passed on');
      assertBytesFields(data);
      encodeProtoRequest(signal, data as SignalData[typeof signal]);
    };
  });
  after(async () => {
    agent.destroy();
    await r?.stop();
  });

  async function send(signal: Signal, body: Buffer, headers: { 'content-type': string; compress: string }): Promise<void> {
    let data = body;
    const h: Record<string, string> = { 'content-type': headers['content-type'] };
    if (headers.compress === 'gzip') { data = zlib.gzipSync(body); h['content-encoding'] = 'gzip'; }
    if (headers.compress === 'deflate') { data = zlib.deflateSync(body); h['content-encoding'] = 'deflate'; }
    if (headers.compress === 'bogus') h['content-encoding'] = 'snappy';
    const res = await post(`${r.url}${PATHS[signal]}`, data, { headers: h, agent });
    assert.ok(ALLOWED.has(res.status), `status ${res.status} (${res.text().slice(0, 200)}) for ${signal} ${JSON.stringify(h)}`);
    if (res.status !== 200 && res.status !== 415) assert.ok(res.status_().message.length > 0, 'errors carry a message');
  }

  it('random bytes', async () => {
    await fc.assert(fc.asyncProperty(signalArb, fc.uint8Array({ maxLength: 4096 }), headersArb, (signal, bytes, headers) => send(signal, Buffer.from(bytes), headers)), { numRuns: runs(50) });
  });

  it('mutated valid protobuf', async () => {
    await fc.assert(fc.asyncProperty(mutatedProto, (m) => send(m.signal, m.body, { 'content-type': 'application/x-protobuf', compress: 'none' })), { numRuns: runs(60) });
  });

  it('random JSON values', async () => {
    await fc.assert(fc.asyncProperty(signalArb, fc.jsonValue(), (signal, value) => send(signal, Buffer.from(JSON.stringify(value) ?? ''), { 'content-type': 'application/json', compress: 'none' })), { numRuns: runs(40) });
  });

  it('OTLP-shaped JSON with random fields and value types', async () => {
    await fc.assert(fc.asyncProperty(otlpShapedJson, fc.constantFrom('none', 'gzip'), (j, compress) => send(j.signal, j.body, { 'content-type': 'application/json', compress })), { numRuns: runs(60) });
  });

  it('still serves a good request afterwards, and some fuzz input got through', async () => {
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      const res = await post(`${r.url}${PATHS[signal]}`, Buffer.from(SEEDS[signal]), { headers: { 'content-type': 'application/x-protobuf' }, agent });
      assert.equal(res.status, 200, res.text());
    }
    assert.ok(passedOn > 3, `the fuzzer reached the pipeline (${passedOn} times)`);
  });
});
