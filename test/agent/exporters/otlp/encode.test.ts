import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { encodeBody, joined } from '../../../../agent/exporters/otlp/encode';
import { mergeRequests } from '../../../../agent/processors/batch/merge';
import { decodeJsonRequest, decodeProtoRequest } from '../../../../agent/otlp/codec';
import { SIGNALS, type ExportLogsServiceRequest, type Signal, type SignalData } from '../../../../agent/otlp/model';
import { asJson, logs, metrics, spans } from './fixtures';

const decode = <S extends Signal>(signal: S, encoding: 'proto' | 'json', body: Uint8Array) =>
  encoding === 'json' ? decodeJsonRequest(signal, Buffer.from(body)) : decodeProtoRequest(signal, body);

describe('exporter: batch body encoding', () => {
  const batches: { [S in Signal]: SignalData[S][] } = {
    traces: [spans(2, 0, 'a'), spans(1, 2, 'b'), { resourceSpans: [] }, spans(3, 3, 'c')],
    metrics: [metrics(), metrics()],
    logs: [logs(2), { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: 5, body: { stringValue: 'built in code' } }] }] }] } as ExportLogsServiceRequest],
  };

  for (const encoding of ['proto', 'json'] as const) {
    for (const compression of ['none', 'gzip'] as const) {
      it(`joined requests decode as the merged request (${encoding}, ${compression})`, async () => {
        for (const signal of SIGNALS) {
          const requests = batches[signal] as SignalData[typeof signal][];
          const chunks = await encodeBody(signal, requests, { encoding, compression });
          let body: Uint8Array = Buffer.concat(chunks);
          if (compression === 'gzip') {
            assert.equal(chunks.length, 1, 'one gzip member');
            body = zlib.gunzipSync(body);
          }
          assert.deepEqual(asJson(signal, decode(signal, encoding, body)), asJson(signal, mergeRequests(signal, requests)), signal);
        }
      });
    }
  }

  it('a single request is encoded as is; an empty batch is an empty request', async () => {
    const one = spans(2);
    const body = async (...args: Parameters<typeof encodeBody>) => Buffer.concat(await encodeBody(...args));
    assert.deepEqual(asJson('traces', decode('traces', 'json', await body('traces', [one], { encoding: 'json', compression: 'none' }))), asJson('traces', one));
    assert.equal((await body('traces', [{ resourceSpans: [] }, { resourceSpans: [] }], { encoding: 'proto', compression: 'none' })).length, 0);
    assert.equal((await body('logs', [{ resourceLogs: [] }, { resourceLogs: [] }], { encoding: 'json', compression: 'none' })).toString(), '{"resourceLogs":[]}');
  });

  it('compression_params.level sets the gzip level: 9 is smaller than 1, both decode to the same request', async () => {
    const requests = Array.from({ length: 20 }, (_, i) => spans(50, i * 50, `level-${i}`));
    const at = async (level: number) => (await encodeBody('traces', requests, { encoding: 'proto', compression: 'gzip', compression_params: { level } }))[0];
    const [fast, small] = [await at(1), await at(9)];
    assert.ok(small.byteLength < fast.byteLength, `level 9 (${small.byteLength} B) smaller than level 1 (${fast.byteLength} B)`);
    assert.ok(zlib.gunzipSync(fast).equals(zlib.gunzipSync(small)));
  });

  it('joined: chunks back to back in one ArrayBuffer are one view (no copy); others are copied in order', () => {
    const whole = Buffer.allocUnsafeSlow(10); // not from Buffer's shared pool, which concat also uses
    whole.write('abcdefghij');
    const view = joined([whole.subarray(0, 3), whole.subarray(3, 4), whole.subarray(4, 10)]);
    assert.equal(view.buffer, whole.buffer);
    assert.equal(Buffer.from(view).toString(), 'abcdefghij');
    const gap = joined([whole.subarray(0, 3), whole.subarray(4, 6)]);
    assert.notEqual(gap.buffer, whole.buffer);
    assert.equal(Buffer.from(gap).toString(), 'abcef');
    const apart = joined([Buffer.from('ab'), Buffer.from('cd')]);
    assert.equal(Buffer.from(apart).toString(), 'abcd');
    assert.equal(joined([]).byteLength, 0);
  });
});
