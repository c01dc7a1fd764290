import assert from 'node:assert/strict';
import { sendOnce, signalUrl, UpstreamClient } from '../../../../agent/exporters/otlp/send';
import { encodeBody, requestHeaders } from '../../../../agent/exporters/otlp/encode';
import { PermanentSendError, RetryableSendError } from '../../../../agent/exporters/otlp/errors';
import { encodeResponse } from '../../../../agent/otlp/codec';
import { OtlpSink } from '../../../helpers/otlp-sink';
import { spans } from './fixtures';

describe('exporter: one HTTP send', () => {
  let sink: OtlpSink;
  let client: UpstreamClient;
  const cancel = new AbortController().signal;
  const headers = requestHeaders({ encoding: 'proto', compression: 'none', headers: {} });
  const send = async () => sendOnce(client, `${sink.url}/v1/traces`, 'traces', { body: await encodeBody('traces', [spans(1)], { encoding: 'proto', compression: 'none' }), headers }, { timeoutMs: 5000, cancel });

  beforeEach(async () => {
    sink = await new OtlpSink().start();
    client = new UpstreamClient(sink.url);
  });
  afterEach(async () => {
    client.close();
    await sink.stop();
  });

  it('builds the signal URL, tolerating trailing slashes', () => {
    assert.equal(signalUrl('http://gw:4318', 'traces'), 'http://gw:4318/v1/traces');
    assert.equal(signalUrl('http://gw:4318/', 'metrics'), 'http://gw:4318/v1/metrics');
    assert.equal(signalUrl('https://gw.example/otlp//', 'logs'), 'https://gw.example/otlp/v1/logs');
  });

  it('configured headers cannot override the encoding headers', () => {
    const h = requestHeaders({ encoding: 'json', compression: 'gzip', headers: { Authorization: 'Bearer x', 'Content-Type': 'text/plain', 'content-encoding': 'br' } });
    assert.deepEqual(h, { Authorization: 'Bearer x', 'content-type': 'application/json', 'content-encoding': 'gzip' });
  });

  it('2xx: delivered, partial success decoded from proto or JSON, an empty or foreign body is fine', async () => {
    assert.deepEqual(await send(), { rejected: 0, errorMessage: '' });
    sink.script.push({ status: 200, headers: { 'content-type': 'application/json' }, body: encodeResponse('traces', 'json', { rejected: 2, errorMessage: 'too old' }) });
    assert.deepEqual(await send(), { rejected: 2, errorMessage: 'too old' });
    sink.script.push({ status: 202, headers: { 'content-type': 'text/html' }, body: '<html>ok</html>' });
    assert.deepEqual(await send(), { rejected: 0, errorMessage: '' });
    sink.script.push({ status: 200, headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from([0xff, 0xff, 0xff]) });
    assert.deepEqual(await send(), { rejected: 0, errorMessage: '' }, 'an unreadable answer cannot undo a delivery');
  });

  it('429/502/503/504 are retryable with Retry-After (seconds or date); other statuses, 500 included, are permanent', async () => {
    for (const status of [429, 502, 503, 504]) {
      sink.script.push({ status, headers: { 'retry-after': '7' } });
      await assert.rejects(send(), (e: unknown) => e instanceof RetryableSendError && e.status === status && e.retryAfterMs === 7000);
    }
    sink.script.push({ status: 503, headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() } });
    await assert.rejects(send(), (e: unknown) => e instanceof RetryableSendError && e.retryAfterMs! > 50_000 && e.retryAfterMs! <= 60_000);
    for (const status of [400, 401, 403, 404, 405, 413, 415, 500, 501]) {
      sink.script.push({ status });
      await assert.rejects(send(), (e: unknown) => e instanceof PermanentSendError && e.status === status);
    }
  });

  it('an enormous error page is cut, and does not stall the send', async () => {
    sink.script.push({ status: 400, headers: { 'content-type': 'text/html' }, body: 'x'.repeat(5 * 1024 * 1024) });
    await assert.rejects(send(), (e: unknown) => e instanceof PermanentSendError && e.upstreamMessage.length === 512);
  });

  it('connection refused, reset and timeout are retryable and say what happened', async () => {
    sink.script.push({ reset: true });
    await assert.rejects(send(), (e: unknown) => e instanceof RetryableSendError && e.status === undefined && /POST http:\/\/127\.0\.0\.1:\d+\/v1\/traces failed/.test(e.message));
    sink.script.push({ hang: true });
    const body = await encodeBody('traces', [spans(1)], { encoding: 'proto', compression: 'none' });
    await assert.rejects(sendOnce(client, `${sink.url}/v1/traces`, 'traces', { body, headers }, { timeoutMs: 100, cancel }), /no answer within timeout \(100 ms\)/);
    const url = sink.url;
    await sink.stop();
    await assert.rejects(sendOnce(client, `${url}/v1/traces`, 'traces', { body, headers }, { timeoutMs: 1000, cancel }), /ECONNREFUSED/);
  });
});
