import assert from 'node:assert/strict';
import {
  decodeJsonRequest, decodeProtoRequest, encodeJsonRequest, encodeProtoRequest, OtlpDecodeError,
  encodeResponse, decodeResponse, encodeStatus, decodeStatus,
} from '../../../agent/otlp/codec';
import { anyValueToJs, bytesToHex, int64ToBigInt } from '../../../agent/otlp/values';

const TRACE = {
  resourceSpans: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
    scopeSpans: [{
      scope: { name: 's', version: '1' },
      spans: [{
        traceId: '5B8EFFF798038103D269B633813FC60C', spanId: 'EEE19B7EC3C1B174', parentSpanId: 'eee19b7ec3c1b173',
        name: 'op', kind: 2, flags: 257, traceState: 'a=b',
        startTimeUnixNano: '1544712660000000001', endTimeUnixNano: 1544712661000000000,
        attributes: [
          { key: 'i', value: { intValue: '9007199254740993' } },
          { key: 'd', value: { doubleValue: 'NaN' } },
          { key: 'b', value: { bytesValue: 'AQID' } },
          { key: 'kv', value: { kvlistValue: { values: [{ key: 'x', value: { boolValue: true } }] } } },
        ],
        status: { code: 2, message: 'err' },
      }],
    }],
  }],
};

describe('OTLP codec', () => {
  it('decodes OTLP/JSON: hex ids in any case, int64 as string or number, enums as ints', () => {
    const req = decodeJsonRequest('traces', JSON.stringify(TRACE));
    const span = req.resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(bytesToHex(span.traceId), '5b8efff798038103d269b633813fc60c');
    assert.equal(bytesToHex(span.spanId), 'eee19b7ec3c1b174');
    assert.equal(int64ToBigInt(span.startTimeUnixNano), 1544712660000000001n);
    assert.equal(int64ToBigInt(span.endTimeUnixNano), 1544712661000000000n);
    assert.equal(span.kind, 2);
    assert.equal(span.flags, 257);
    assert.equal(int64ToBigInt(span.attributes![0].value!.intValue), 9007199254740993n, 'int64 beyond 2^53 survives');
    assert.ok(Number.isNaN(span.attributes![1].value!.doubleValue));
    assert.deepEqual([...(anyValueToJs(span.attributes![2].value) as Uint8Array)], [1, 2, 3]);
  });

  it('accepts snake_case keys as protobuf JSON parsers do', () => {
    const req = decodeJsonRequest('traces', JSON.stringify({ resource_spans: [{ scope_spans: [{ spans: [{ trace_id: 'aa'.repeat(16), span_id: 'bb'.repeat(8), name: 'x' }] }] }] }));
    assert.equal(bytesToHex(req.resourceSpans[0].scopeSpans[0].spans[0].traceId), 'aa'.repeat(16));
  });

  it('takes the later of a snake_case key and its camelCase twin, in either order', () => {
    const span = (s: Record<string, unknown>) => decodeJsonRequest('traces', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [s] }] }] }))
      .resourceSpans[0].scopeSpans[0].spans[0];
    const ids = { traceId: 'aa'.repeat(16), spanId: 'bb'.repeat(8) };
    assert.equal(span({ ...ids, start_time_unix_nano: '1', startTimeUnixNano: '2' }).startTimeUnixNano.toString(), '2');
    assert.equal(span({ ...ids, startTimeUnixNano: '2', start_time_unix_nano: '1' }).startTimeUnixNano.toString(), '1');
    assert.equal(bytesToHex(span({ span_id: 'cc'.repeat(8), ...ids }).spanId), 'bb'.repeat(8));
  });

  it('round-trips JSON -> proto -> JSON without loss', () => {
    const first = decodeJsonRequest('traces', JSON.stringify(TRACE));
    const again = decodeProtoRequest('traces', encodeProtoRequest('traces', first));
    const json = JSON.parse(encodeJsonRequest('traces', again));
    const span = json.resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(span.traceId, '5b8efff798038103d269b633813fc60c');
    assert.equal(span.parentSpanId, 'eee19b7ec3c1b173');
    assert.equal(span.startTimeUnixNano, '1544712660000000001');
    assert.equal(span.attributes[0].value.intValue, '9007199254740993');
    assert.equal(span.attributes[1].value.doubleValue, 'NaN');
    assert.equal(span.attributes[2].value.bytesValue, 'AQID', 'bytes stay base64, only ids are hex');
    assert.equal(span.status.code, 2);
    assert.equal(span.kind, 2, 'enums are written as integers');
  });

  it('rejects broken input with a readable OtlpDecodeError', () => {
    assert.throws(() => decodeJsonRequest('traces', '{"resourceSpans": ['), (e: unknown) => e instanceof OtlpDecodeError && /invalid JSON/.test(e.message));
    assert.throws(() => decodeJsonRequest('traces', '[]'), /must be a JSON object/);
    assert.throws(() => decodeJsonRequest('traces', '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]}'), /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId: invalid hex id/);
    assert.throws(() => decodeJsonRequest('traces', '{"resourceSpans":"nope"}'), OtlpDecodeError);
    const good = encodeProtoRequest('traces', decodeJsonRequest('traces', JSON.stringify(TRACE)));
    assert.throws(() => decodeProtoRequest('traces', good.subarray(0, good.length - 5)), (e: unknown) => e instanceof OtlpDecodeError && /invalid protobuf/.test(e.message));
  });

  it('encodes responses with partial_success only when something was rejected', () => {
    for (const enc of ['proto', 'json'] as const) {
      assert.deepEqual(decodeResponse('logs', enc, encodeResponse('logs', enc)), { rejected: 0, errorMessage: '' });
      assert.deepEqual(decodeResponse('metrics', enc, encodeResponse('metrics', enc, { rejected: 3, errorMessage: 'no name' })), { rejected: 3, errorMessage: 'no name' });
      assert.deepEqual(decodeStatus(enc, encodeStatus(enc, 3, 'bad')), { code: 3, message: 'bad' });
    }
    assert.equal(encodeResponse('traces', 'json').toString(), '{}');
    assert.deepEqual(JSON.parse(encodeResponse('traces', 'json', { rejected: 2, errorMessage: 'x' }).toString()), { partialSuccess: { rejectedSpans: '2', errorMessage: 'x' } });
  });
});
