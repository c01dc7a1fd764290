/**
 * The OTLP/HTTP front end with hand-built requests: the OTLP/JSON quirks,
 * every metric point type and AnyValue kind in protobuf, and every kind of
 * bad input (each answered with the right status and a readable message,
 * after which the receiver keeps serving), partial success, back-pressure.
 */
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { PermanentError, RetryableError } from '../../../../agent/component/component';
import { decodeResponse, encodeJsonRequest, encodeProtoRequest } from '../../../../agent/otlp/codec';
import { requestType } from '../../../../agent/otlp/root';
import type { Signal } from '../../../../agent/otlp/model';
import { anyValueToJs, bytesToHex, int64ToBigInt } from '../../../../agent/otlp/values';
import { counterValue, startReceiver, type RunningReceiver } from './host';
import { JSON_CT, post, PROTO } from './client';
import { deflateBomb, gzipBomb } from './bombs';

const TO_OBJECT = { longs: String, enums: Number, bytes: String, defaults: false, arrays: true } as const;

/** A message as a plain object with int64 as strings and bytes as base64: comparable field by field. */
function plain(signal: Signal, msg: unknown): unknown {
  const type = requestType(signal);
  return type.toObject(msg instanceof type.ctor ? (msg as never) : type.fromObject(msg as Record<string, unknown>), TO_OBJECT);
}

const hex = (h: string) => Buffer.from(h, 'hex');

/** One of each metric point type, with exemplars, flags, min/max, exponential buckets, quantiles. */
const METRICS = {
  resourceMetrics: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }], droppedAttributesCount: 1 },
    schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    scopeMetrics: [{
      scope: { name: 'hand', version: '1', attributes: [{ key: 'scope.attr', value: { boolValue: true } }], droppedAttributesCount: 2 },
      schemaUrl: 'https://example.com/scope',
      metrics: [
        {
          name: 'requests', description: 'requests served', unit: '{request}',
          metadata: [{ key: 'prometheus.type', value: { stringValue: 'counter' } }],
          sum: {
            aggregationTemporality: 2, isMonotonic: true,
            dataPoints: [{
              attributes: [{ key: 'code', value: { intValue: '200' } }],
              startTimeUnixNano: '1700000000000000000', timeUnixNano: '1700000060000000001', asInt: '9007199254740993',
              exemplars: [{
                filteredAttributes: [{ key: 'user', value: { stringValue: 'u1' } }], timeUnixNano: '1700000030000000000',
                asInt: '-5', traceId: hex('0af7651916cd43dd8448eb211c80319c'), spanId: hex('b7ad6b7169203331'),
              }],
            }],
          },
        },
        {
          name: 'temperature', unit: 'Cel',
          gauge: {
            dataPoints: [
              { timeUnixNano: '1700000060000000000', asDouble: -273.15, exemplars: [{ asDouble: 1.5, timeUnixNano: '1700000059000000000' }] },
              { timeUnixNano: '1700000061000000000', flags: 1 }, // NO_RECORDED_VALUE: a staleness marker
            ],
          },
        },
        {
          name: 'latency', unit: 's',
          histogram: {
            aggregationTemporality: 1,
            dataPoints: [{
              startTimeUnixNano: '1700000000000000000', timeUnixNano: '1700000060000000000', count: '6', sum: 7.25,
              bucketCounts: ['1', '2', '3'], explicitBounds: [0.5, 1], min: 0.1, max: 4,
              exemplars: [{ asDouble: 0.7, spanId: hex('00f067aa0ba902b7'), traceId: hex('4bf92f3577b34da6a3ce929d0e0e4736') }],
            }],
          },
        },
        {
          name: 'payload', unit: 'By',
          exponentialHistogram: {
            aggregationTemporality: 2,
            dataPoints: [{
              startTimeUnixNano: '1700000000000000000', timeUnixNano: '1700000060000000000', count: '12', sum: 4000.5, scale: -2,
              zeroCount: '3', zeroThreshold: 1e-9, positive: { offset: -3, bucketCounts: ['1', '0', '4'] },
              negative: { offset: 2, bucketCounts: ['2', '2'] }, min: -40, max: 2000, flags: 0,
              exemplars: [{ asInt: '1024', timeUnixNano: '1700000050000000000' }],
            }],
          },
        },
        {
          name: 'rpc_duration', unit: 'ms',
          summary: {
            dataPoints: [{
              attributes: [{ key: 'method', value: { stringValue: 'Get' } }],
              startTimeUnixNano: '1700000000000000000', timeUnixNano: '1700000060000000000', count: '100', sum: 1234.5,
              quantileValues: [{ quantile: 0, value: 1 }, { quantile: 0.5, value: 10.5 }, { quantile: 0.99, value: 99 }, { quantile: 1, value: 120 }],
            }],
          },
        },
      ],
    }],
  }],
};

/** Log records whose bodies hold every AnyValue kind, nested. */
const LOGS = {
  resourceLogs: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }] },
    scopeLogs: [{
      scope: { name: 'hand-logs' },
      logRecords: [
        { timeUnixNano: '1700000000000000001', severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'héllo ✓' }, traceId: hex('4bf92f3577b34da6a3ce929d0e0e4736'), spanId: hex('00f067aa0ba902b7'), flags: 1 },
        { body: { boolValue: false }, eventName: 'evt' },
        { body: { intValue: '-9223372036854775808' } },
        { body: { intValue: '9223372036854775807' } },
        { body: { doubleValue: 1e308 } },
        { body: { bytesValue: Buffer.from([0, 255, 128]) } },
        { body: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { arrayValue: { values: [{ boolValue: true }] } }, {}] } } },
        {
          body: {
            kvlistValue: {
              values: [
                { key: 'k', value: { stringValue: 'v' } },
                { key: 'nested', value: { kvlistValue: { values: [{ key: 'deep', value: { bytesValue: Buffer.from('xyz') } }] } } },
                { key: 'empty' },
              ],
            },
          },
          attributes: [{ key: 'a', value: { doubleValue: 0.1 } }], droppedAttributesCount: 3, observedTimeUnixNano: '1700000000000000002',
        },
        { severityNumber: 9 },
      ],
    }],
  }],
};

function spansRequest(spans: Record<string, unknown>[]) {
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hand' } }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }] };
}

const GOOD_SPAN = { traceId: hex('5b8efff798038103d269b633813fc60c'), spanId: hex('eee19b7ec3c1b174'), name: 'good', startTimeUnixNano: '1', endTimeUnixNano: '2' };

async function assertStillServing(r: RunningReceiver): Promise<void> {
  const res = await post(`${r.url}/v1/traces`, Buffer.from(encodeProtoRequest('traces', spansRequest([GOOD_SPAN]) as never)), { headers: PROTO });
  assert.equal(res.status, 200, `receiver still serves after bad input: ${res.text()}`);
}

describe('OTLP/HTTP receiver: hand-built requests', function () {
  this.timeout(60_000);
  let r: RunningReceiver;
  before(async () => { r = await startReceiver(); });
  after(async () => { await r?.stop(); });
  beforeEach(() => { r.consumer.clear(); r.consumer.behaviour = undefined; });

  it('OTLP/JSON: uppercase and mixed-case hex ids, int64 as strings and numbers, enums as ints, charset parameter', async () => {
    const body = JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-svc' } }] },
        scopeSpans: [{
          scope: { name: 'json-scope', version: '2' },
          spans: [{
            traceId: '5B8EFFF798038103D269B633813FC60C', spanId: 'EeE19b7EC3C1B174', parentSpanId: 'eee19b7ec3c1b173',
            name: 'op', kind: 3, flags: 769, traceState: 'a=b,c=d',
            startTimeUnixNano: '1544712660000000001', endTimeUnixNano: 1544712661000000000, droppedEventsCount: 2,
            attributes: [
              { key: 'int-str', value: { intValue: '9007199254740993' } },
              { key: 'int-num', value: { intValue: 42 } },
              { key: 'dbl', value: { doubleValue: 0.5 } },
              { key: 'b64', value: { bytesValue: 'AQID' } },
            ],
            events: [{ timeUnixNano: '1544712660500000000', name: 'ev', attributes: [{ key: 'x', value: { boolValue: true } }] }],
            links: [{ traceId: 'ABCDEF0123456789ABCDEF0123456789', spanId: 'FEDCBA9876543210', traceState: 'l=1', flags: 256 }],
            status: { code: 2, message: 'bad' },
          }],
        }],
      }],
    });
    const res = await post(`${r.url}/v1/traces`, body, { headers: { 'content-type': 'application/json; charset=utf-8' } });
    assert.equal(res.status, 200, res.text());
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(res.text()), {}, 'full success: an empty ExportTraceServiceResponse');
    const [req] = r.consumer.of('traces');
    const span = req.resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(bytesToHex(span.traceId), '5b8efff798038103d269b633813fc60c');
    assert.equal(bytesToHex(span.spanId), 'eee19b7ec3c1b174');
    assert.equal(bytesToHex(span.parentSpanId), 'eee19b7ec3c1b173');
    assert.equal(int64ToBigInt(span.startTimeUnixNano), 1544712660000000001n);
    assert.equal(int64ToBigInt(span.endTimeUnixNano), 1544712661000000000n);
    assert.equal(span.kind, 3);
    assert.equal(span.flags, 769);
    assert.equal(span.traceState, 'a=b,c=d');
    assert.equal(span.droppedEventsCount, 2);
    assert.equal(int64ToBigInt(span.attributes![0].value!.intValue), 9007199254740993n);
    assert.equal(int64ToBigInt(span.attributes![1].value!.intValue), 42n);
    assert.equal(span.attributes![2].value!.doubleValue, 0.5);
    assert.deepEqual([...(anyValueToJs(span.attributes![3].value) as Uint8Array)], [1, 2, 3]);
    assert.equal(span.events![0].name, 'ev');
    assert.equal(int64ToBigInt(span.events![0].timeUnixNano), 1544712660500000000n);
    assert.equal(bytesToHex(span.links![0].traceId), 'abcdef0123456789abcdef0123456789');
    assert.equal(bytesToHex(span.links![0].spanId), 'fedcba9876543210');
    assert.equal(span.links![0].flags, 256);
    assert.deepEqual({ code: span.status?.code, message: span.status?.message }, { code: 2, message: 'bad' });
    assert.equal(req.resourceSpans[0].scopeSpans[0].scope?.version, '2');
  });

  it('OTLP/JSON: a "__proto__" key is ignored, not turned into the prototype of a decoded message', async () => {
    const body = '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"__proto__":{"severityText":"INJECTED"},"body":{"stringValue":"x"}}]}]}]}';
    const res = await post(`${r.url}/v1/logs`, body, { headers: JSON_CT });
    assert.equal(res.status, 200, res.text());
    const log = r.consumer.of('logs')[0].resourceLogs[0].scopeLogs[0].logRecords[0];
    assert.equal(log.severityText, '');
    assert.equal(anyValueToJs(log.body), 'x');
  });

  it('OTLP/JSON: snake_case keys, int64 timestamps as numbers and enum names are accepted too', async () => {
    const body = JSON.stringify({
      resource_logs: [{ scope_logs: [{ log_records: [{ time_unix_nano: 1700000000000000000, severity_number: 'SEVERITY_NUMBER_WARN', body: { string_value: 'w' }, trace_id: 'AA'.repeat(16), span_id: '' }] }] }],
    });
    const res = await post(`${r.url}/v1/logs`, body, { headers: JSON_CT });
    assert.equal(res.status, 200, res.text());
    const log = r.consumer.of('logs')[0].resourceLogs[0].scopeLogs[0].logRecords[0];
    assert.equal(int64ToBigInt(log.timeUnixNano), 1700000000000000000n);
    assert.equal(log.severityNumber, 13);
    assert.equal(anyValueToJs(log.body), 'w');
    assert.equal(bytesToHex(log.traceId), 'aa'.repeat(16));
    assert.equal(bytesToHex(log.spanId), '');
  });

  for (const encoding of ['proto', 'json'] as const) {
    it(`${encoding}: sums, gauges, histograms, exponential histograms and summaries with exemplars arrive field by field`, async () => {
      const body = encoding === 'proto' ? Buffer.from(encodeProtoRequest('metrics', METRICS as never)) : encodeJsonRequest('metrics', METRICS as never);
      const res = await post(`${r.url}/v1/metrics`, body, { headers: encoding === 'proto' ? PROTO : JSON_CT });
      assert.equal(res.status, 200, res.text());
      assert.deepEqual(decodeResponse('metrics', encoding, res.body), { rejected: 0, errorMessage: '' });
      const got = r.consumer.of('metrics');
      assert.equal(got.length, 1);
      assert.deepEqual(plain('metrics', got[0]), plain('metrics', METRICS));
      // Spot checks of what a field-by-field compare could hide behind a shared conversion.
      const ms = got[0].resourceMetrics[0].scopeMetrics[0].metrics;
      assert.equal(int64ToBigInt(ms[0].sum!.dataPoints[0].asInt), 9007199254740993n);
      assert.equal(int64ToBigInt(ms[0].sum!.dataPoints[0].exemplars![0].asInt), -5n);
      assert.equal(bytesToHex(ms[0].sum!.dataPoints[0].exemplars![0].traceId), '0af7651916cd43dd8448eb211c80319c');
      assert.equal(ms[1].gauge!.dataPoints[1].flags, 1);
      assert.equal(ms[3].exponentialHistogram!.dataPoints[0].scale, -2);
      assert.equal(ms[3].exponentialHistogram!.dataPoints[0].positive!.offset, -3);
      assert.deepEqual(ms[4].summary!.dataPoints[0].quantileValues!.map((q) => q.value), [1, 10.5, 99, 120]);
      assert.equal(await counterValue(r.host, 'lookout_receiver_accepted_items', { signal: 'metrics', transport: 'http' }) >= 6, true);
    });

    it(`${encoding}: log bodies of every AnyValue kind arrive field by field`, async () => {
      const body = encoding === 'proto' ? Buffer.from(encodeProtoRequest('logs', LOGS as never)) : encodeJsonRequest('logs', LOGS as never);
      const res = await post(`${r.url}/v1/logs`, body, { headers: encoding === 'proto' ? PROTO : JSON_CT });
      assert.equal(res.status, 200, res.text());
      const got = r.consumer.of('logs');
      assert.deepEqual(plain('logs', got[0]), plain('logs', LOGS));
      const recs = got[0].resourceLogs[0].scopeLogs[0].logRecords;
      assert.equal(anyValueToJs(recs[0].body), 'héllo ✓');
      assert.equal(anyValueToJs(recs[1].body), false);
      assert.equal(int64ToBigInt(recs[2].body!.intValue), -9223372036854775808n);
      assert.equal(int64ToBigInt(recs[3].body!.intValue), 9223372036854775807n);
      assert.equal(anyValueToJs(recs[4].body), 1e308);
      assert.deepEqual([...(anyValueToJs(recs[5].body) as Uint8Array)], [0, 255, 128]);
      assert.equal((anyValueToJs(recs[6].body) as unknown[]).length, 4);
      assert.equal(Buffer.from((anyValueToJs(recs[7].body) as { nested: { deep: Uint8Array } }).nested.deep).toString(), 'xyz');
      assert.equal(recs[8].body ?? null, null);
    });
  }

  it('an empty body is an empty request: 200 in both encodings, nothing passed on', async () => {
    for (const headers of [PROTO, JSON_CT]) {
      const res = await post(`${r.url}/v1/traces`, '', { headers });
      assert.equal(res.status, 200);
    }
    const res = await post(`${r.url}/v1/traces`, '{}', { headers: JSON_CT });
    assert.equal(res.status, 200);
    assert.equal(r.consumer.received.length, 0);
  });

  it('configurable paths: the old default paths are then 404', async () => {
    const custom = await startReceiver({ http: { endpoint: '127.0.0.1:0', traces_url_path: '/otlp/v1/traces', logs_url_path: '/ingest/logs:special' } });
    try {
      const body = Buffer.from(encodeProtoRequest('traces', spansRequest([GOOD_SPAN]) as never));
      assert.equal((await post(`${custom.url}/otlp/v1/traces`, body, { headers: PROTO })).status, 200);
      assert.equal((await post(`${custom.url}/v1/traces`, body, { headers: PROTO })).status, 404);
      assert.equal((await post(`${custom.url}/ingest/logs:special`, '{}', { headers: JSON_CT })).status, 200, 'paths are literal, not route patterns');
      assert.equal(custom.consumer.of('traces').length, 1);
    } finally {
      await custom.stop();
    }
  });
});

describe('OTLP/HTTP receiver: bad input', function () {
  this.timeout(60_000);
  let r: RunningReceiver;
  before(async () => { r = await startReceiver(); });
  after(async () => { await r?.stop(); });
  beforeEach(() => { r.consumer.clear(); r.consumer.behaviour = undefined; });
  afterEach(async () => {
    await assertStillServing(r);
  });

  it('truncated protobuf: 400 with a google.rpc.Status in protobuf', async () => {
    const good = Buffer.from(encodeProtoRequest('metrics', METRICS as never));
    const res = await post(`${r.url}/v1/metrics`, good.subarray(0, good.length - 7), { headers: PROTO });
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/x-protobuf');
    const st = res.status_();
    assert.equal(st.code, 3, 'INVALID_ARGUMENT');
    assert.match(st.message, /invalid protobuf ExportMetricsServiceRequest: /);
    assert.equal(r.consumer.received.length, 0);
  });

  it('broken JSON: 400 with a google.rpc.Status in JSON', async () => {
    const res = await post(`${r.url}/v1/logs`, '{"resourceLogs": [{"scopeLogs": [', { headers: JSON_CT });
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.status_().code, 3);
    assert.match(res.status_().message, /^invalid JSON: /);
  });

  it('JSON with a malformed hex id or a wrong field type: 400 naming the field', async () => {
    let res = await post(`${r.url}/v1/traces`, JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'zz' }] }] }] }), { headers: JSON_CT });
    assert.equal(res.status, 400);
    assert.match(res.status_().message, /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId: invalid hex id/);
    res = await post(`${r.url}/v1/traces`, JSON.stringify({ resourceSpans: 'nope' }), { headers: JSON_CT });
    assert.equal(res.status, 400);
    assert.match(res.status_().message, /resourceSpans/);
    res = await post(`${r.url}/v1/traces`, '[1,2]', { headers: JSON_CT });
    assert.equal(res.status, 400);
    assert.match(res.status_().message, /must be a JSON object/);
    // Array-likes in bytes fields were once copied through as-is (found by the fuzz test).
    res = await post(`${r.url}/v1/traces`, JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Array(16).fill(1), spanId: '0102030405060708' }] }] }] }), { headers: JSON_CT });
    assert.equal(res.status, 400);
    assert.match(res.status_().message, /spans\[0\]\.traceId: expected a hex string, got an array/);
    res = await post(`${r.url}/v1/logs`, JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { bytesValue: { length: 2 } } }] }] }] }), { headers: JSON_CT });
    assert.equal(res.status, 400);
    assert.match(res.status_().message, /logRecords\[0\]\.body\.bytesValue: expected a base64 string, got an object/);
    assert.equal(r.consumer.received.length, 0);
  });

  it('unsupported or missing Content-Type: 415 text/plain listing the supported types', async () => {
    for (const ct of ['text/plain', 'application/grpc', 'application/protobuf', undefined]) {
      const res = await post(`${r.url}/v1/traces`, '{}', { headers: ct ? { 'content-type': ct } : {} });
      assert.equal(res.status, 415, `content type ${ct}`);
      assert.match(String(res.headers['content-type']), /^text\/plain/);
      assert.match(res.text(), /supported: \[application\/json, application\/x-protobuf\]/);
    }
    const res = await post(`${r.url}/v1/traces`, '{}', { headers: { 'content-type': 'Application/JSON; charset=UTF-8' } });
    assert.equal(res.status, 200, 'media types are case-insensitive');
  });

  it('unsupported Content-Encoding: 415 with a Status naming the supported codings', async () => {
    const res = await post(`${r.url}/v1/traces`, zlib.brotliCompressSync(Buffer.from('{}')), { headers: { ...JSON_CT, 'content-encoding': 'br' } });
    assert.equal(res.status, 415);
    assert.match(res.status_().message, /unsupported Content-Encoding "br" \(supported: gzip, deflate, identity\)/);
    const stacked = await post(`${r.url}/v1/traces`, '{}', { headers: { ...JSON_CT, 'content-encoding': 'gzip, deflate' } });
    assert.equal(stacked.status, 415);
  });

  it('gzip, x-gzip, deflate and identity encodings are decoded', async () => {
    const body = Buffer.from(encodeProtoRequest('traces', spansRequest([GOOD_SPAN]) as never));
    for (const [coding, data] of [['gzip', zlib.gzipSync(body)], ['x-gzip', zlib.gzipSync(body)], ['deflate', zlib.deflateSync(body)], ['identity', body], ['GZIP', zlib.gzipSync(body)]] as const) {
      const res = await post(`${r.url}/v1/traces`, data, { headers: { ...PROTO, 'content-encoding': coding } });
      assert.equal(res.status, 200, `${coding}: ${res.text()}`);
    }
    assert.equal(r.consumer.of('traces').length, 5);
  });

  it('corrupt gzip: 400 naming the encoding', async () => {
    const gz = zlib.gzipSync(Buffer.from('{"resourceSpans": []}'));
    gz[gz.length - 6] ^= 0xff; // break the CRC
    let res = await post(`${r.url}/v1/traces`, gz, { headers: { ...JSON_CT, 'content-encoding': 'gzip' } });
    assert.equal(res.status, 400);
    assert.match(res.status_().message, /invalid gzip request body: /);
    res = await post(`${r.url}/v1/traces`, Buffer.from('definitely not gzip'), { headers: { ...JSON_CT, 'content-encoding': 'gzip' } });
    assert.equal(res.status, 400);
    res = await post(`${r.url}/v1/traces`, gz.subarray(0, 10), { headers: { ...JSON_CT, 'content-encoding': 'gzip' } });
    assert.equal(res.status, 400, 'truncated gzip');
  });

  it('non-POST methods: 405 with Allow: POST; unknown paths: 404', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await post(`${r.url}/v1/logs`, undefined, { method });
      assert.equal(res.status, 405);
      assert.equal(res.headers.allow, 'POST');
      assert.match(res.text(), /method not allowed, supported: \[POST\]/);
    }
    const res = await post(`${r.url}/v1/spans`, '{}', { headers: JSON_CT });
    assert.equal(res.status, 404);
    assert.match(res.text(), /\/v1\/spans/);
  });

  it('a 1 GiB gzip bomb (about 1 MiB on the wire) is stopped at the limit: 413, quickly', async () => {
    const bomb = gzipBomb();
    assert.ok(bomb.length < 2 * 1024 * 1024, `bomb is ${bomb.length} bytes`);
    const started = Date.now();
    const res = await post(`${r.url}/v1/traces`, bomb, { headers: { ...PROTO, 'content-encoding': 'gzip' } });
    assert.equal(res.status, 413);
    assert.match(res.status_().message, /decompressed request body .* exceeds max_request_body_size \(16777216 bytes\)/);
    assert.ok(Date.now() - started < 10_000, `answered in ${Date.now() - started} ms: inflated only up to the limit`);
    assert.equal(r.consumer.received.length, 0);
  });

  it('a deflate bomb is stopped the same way', async () => {
    const res = await post(`${r.url}/v1/logs`, deflateBomb(256 * 1024 * 1024), { headers: { ...JSON_CT, 'content-encoding': 'deflate' } });
    assert.equal(res.status, 413);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.match(res.status_().message, /exceeds max_request_body_size/);
  });
});

describe('OTLP/HTTP receiver: max_request_body_size', function () {
  this.timeout(60_000);
  const LIMIT = 64 * 1024;
  let r: RunningReceiver;
  before(async () => { r = await startReceiver({ http: { endpoint: '127.0.0.1:0', max_request_body_size: LIMIT } }); });
  after(async () => { await r?.stop(); });
  afterEach(async () => { await assertStillServing(r); });

  function bigLogs(bytes: number): Buffer {
    return Buffer.from(encodeProtoRequest('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x'.repeat(bytes) } }] }] }] } as never));
  }

  it('a body just under the limit is accepted', async () => {
    const res = await post(`${r.url}/v1/logs`, bigLogs(LIMIT - 100), { headers: PROTO });
    assert.equal(res.status, 200);
  });

  it('a larger body with Content-Length: 413 before reading it', async () => {
    const res = await post(`${r.url}/v1/logs`, bigLogs(LIMIT * 20), { headers: PROTO });
    assert.equal(res.status, 413);
    assert.match(res.status_().message, /Content-Length \d+\) exceeds max_request_body_size \(65536 bytes\); send smaller batches or raise receivers\.otlp\.http\.max_request_body_size/);
  });

  it('a larger chunked body (no Content-Length): 413 once the limit is passed', async () => {
    const res = await post(`${r.url}/v1/logs`, bigLogs(LIMIT * 20), { headers: PROTO, chunked: 16 * 1024 });
    assert.equal(res.status, 413);
    assert.match(res.status_().message, /exceeds max_request_body_size/);
  });

  it('a small gzip body that inflates past the limit: 413', async () => {
    const gz = zlib.gzipSync(bigLogs(LIMIT * 4));
    assert.ok(gz.length < LIMIT);
    const res = await post(`${r.url}/v1/logs`, gz, { headers: { ...PROTO, 'content-encoding': 'gzip' } });
    assert.equal(res.status, 413);
    assert.match(res.status_().message, /decompressed request body/);
  });
});

describe('OTLP/HTTP receiver: partial success and the pipeline answer', function () {
  this.timeout(30_000);
  let r: RunningReceiver;
  before(async () => { r = await startReceiver(); });
  after(async () => { await r?.stop(); });
  beforeEach(() => { r.consumer.clear(); r.consumer.behaviour = undefined; });

  for (const encoding of ['proto', 'json'] as const) {
    it(`${encoding}: invalid spans are dropped and reported as partial success, the rest passed on`, async () => {
      const refusedBefore = await counterValue(r.host, 'lookout_receiver_refused_items', { signal: 'traces', transport: 'http' });
      const req = spansRequest([
        GOOD_SPAN,
        { ...GOOD_SPAN, name: 'zero-span-id', spanId: Buffer.alloc(8) },
        { ...GOOD_SPAN, name: 'short-trace-id', traceId: hex('0102') },
        { ...GOOD_SPAN, name: 'also-good', spanId: hex('0000000000000001'), parentSpanId: hex('eee19b7ec3c1b174') },
        { ...GOOD_SPAN, name: 'bad-parent', parentSpanId: hex('01') },
      ]);
      const body = encoding === 'proto' ? Buffer.from(encodeProtoRequest('traces', req as never)) : encodeJsonRequest('traces', req as never);
      const res = await post(`${r.url}/v1/traces`, body, { headers: encoding === 'proto' ? PROTO : JSON_CT });
      assert.equal(res.status, 200);
      const partial = decodeResponse('traces', encoding, res.body);
      assert.equal(partial.rejected, 3);
      assert.match(partial.errorMessage, /^3 spans rejected: /);
      assert.match(partial.errorMessage, /span "zero-span-id" \(resource_spans\[0\]\.scope_spans\[0\]\.spans\[1\]\): span_id is all zeros/);
      assert.match(partial.errorMessage, /span "short-trace-id" .*trace_id must be 16 bytes, got 2/);
      assert.match(partial.errorMessage, /span "bad-parent" .*parent_span_id must be empty or 8 bytes, got 1/);
      const spans = r.consumer.of('traces')[0].resourceSpans[0].scopeSpans[0].spans;
      assert.deepEqual(spans.map((s) => s.name), ['good', 'also-good']);
      assert.equal(await counterValue(r.host, 'lookout_receiver_refused_items', { signal: 'traces', transport: 'http' }) - refusedBefore, 3);
    });
  }

  it('a batch of only invalid items: 200 with partial success, nothing passed on', async () => {
    const body = Buffer.from(encodeProtoRequest('traces', spansRequest([{ name: 'no ids' }]) as never));
    const res = await post(`${r.url}/v1/traces`, body, { headers: PROTO });
    assert.equal(res.status, 200);
    assert.deepEqual(decodeResponse('traces', 'proto', res.body), { rejected: 1, errorMessage: '1 span rejected: span "no ids" (resource_spans[0].scope_spans[0].spans[0]): trace_id must be 16 bytes, got 0' });
    assert.equal(r.consumer.received.length, 0);
  });

  it('invalid log ids and metrics without a name or data are dropped the same way', async () => {
    const logs = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'ok' } }, { traceId: hex('01'), body: { stringValue: 'bad' } }, { spanId: hex('0102'), traceId: hex('aa'.repeat(16)) }] }] }] };
    let res = await post(`${r.url}/v1/logs`, Buffer.from(encodeProtoRequest('logs', logs as never)), { headers: PROTO });
    let partial = decodeResponse('logs', 'proto', res.body);
    assert.equal(partial.rejected, 2);
    assert.match(partial.errorMessage, /trace_id must be empty or 16 bytes, got 1/);
    assert.match(partial.errorMessage, /span_id must be empty or 8 bytes, got 2/);
    assert.equal(r.consumer.of('logs')[0].resourceLogs[0].scopeLogs[0].logRecords.length, 1);

    const metrics = {
      resourceMetrics: [{
        scopeMetrics: [{
          metrics: [
            { name: 'ok', gauge: { dataPoints: [{ asDouble: 1 }] } },
            { name: '', gauge: { dataPoints: [{ asDouble: 1 }, { asDouble: 2 }] } },
            { name: 'no-data' },
            { name: 'bad-buckets', histogram: { dataPoints: [{ count: '1', bucketCounts: ['1', '0'], explicitBounds: [1, 2] }, { count: '1', bucketCounts: ['1'], explicitBounds: [] }] } },
          ],
        }],
      }],
    };
    res = await post(`${r.url}/v1/metrics`, encodeJsonRequest('metrics', metrics as never), { headers: JSON_CT });
    partial = decodeResponse('metrics', 'json', res.body);
    assert.equal(partial.rejected, 3, 'two points of the nameless metric and one bad histogram point');
    assert.match(partial.errorMessage, /metric has no name/);
    assert.match(partial.errorMessage, /metric "no-data" has no data/);
    assert.match(partial.errorMessage, /histogram point has 2 bucket_counts for 2 explicit_bounds \(want 3\)/);
    const ms = r.consumer.of('metrics')[0].resourceMetrics[0].scopeMetrics[0].metrics;
    assert.deepEqual(ms.map((m) => m.name), ['ok', 'bad-buckets']);
    assert.equal(ms[1].histogram!.dataPoints.length, 1);
  });

  it('RetryableError from the pipeline: 503 with Retry-After (1 s by default, or what the error says)', async () => {
    const refusedBefore = await counterValue(r.host, 'lookout_receiver_refused_items', { signal: 'traces' });
    r.consumer.behaviour = () => { throw new RetryableError('exporter queue is full'); };
    const body = Buffer.from(encodeProtoRequest('traces', spansRequest([GOOD_SPAN]) as never));
    let res = await post(`${r.url}/v1/traces`, body, { headers: PROTO });
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '1');
    assert.equal(res.status_().code, 14, 'UNAVAILABLE');
    assert.match(res.status_().message, /retry later: exporter queue is full/);
    r.consumer.behaviour = () => { throw new RetryableError('slow down', 7); };
    res = await post(`${r.url}/v1/traces`, encodeJsonRequest('traces', spansRequest([GOOD_SPAN]) as never), { headers: JSON_CT });
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '7');
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(await counterValue(r.host, 'lookout_receiver_refused_items', { signal: 'traces' }) - refusedBefore, 2);
    r.consumer.behaviour = undefined;
    res = await post(`${r.url}/v1/traces`, body, { headers: PROTO });
    assert.equal(res.status, 200, 'accepted again once the pipeline has room');
  });

  it('PermanentError: 400; any other error: 503 without Retry-After (retryable, as the Collector does)', async () => {
    const body = Buffer.from(encodeProtoRequest('traces', spansRequest([GOOD_SPAN]) as never));
    r.consumer.behaviour = () => { throw new PermanentError('upstream rejected the schema'); };
    let res = await post(`${r.url}/v1/traces`, body, { headers: PROTO });
    assert.equal(res.status, 400);
    assert.equal(res.headers['retry-after'], undefined);
    assert.match(res.status_().message, /do not retry: upstream rejected the schema/);
    r.consumer.behaviour = () => { throw new TypeError('a bug'); };
    res = await post(`${r.url}/v1/traces`, body, { headers: PROTO });
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], undefined);
    assert.match(res.status_().message, /a bug/);
  });
});
