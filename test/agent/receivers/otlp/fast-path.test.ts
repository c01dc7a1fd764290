/**
 * The receiver's trace fast path (agent/otlp/lazy.ts) with the real OTel SDK
 * exporter as the client: a clean protobuf request reaches the pipeline
 * undecoded, spanmetrics counts it from its bytes exactly as from the
 * decoded tree, and the tree, when something reads it, holds every field the
 * SDK sent. Requests the scan does not vouch for take the old path.
 */
import assert from 'node:assert/strict';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as OTLPGrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { SpanMetricsConnector } from '../../../../agent/connectors/spanmetrics';
import { spanmetricsConfigSchema } from '../../../../agent/connectors/spanmetrics/config';
import { encodeJsonRequest, encodeProtoRequest } from '../../../../agent/otlp/codec';
import { countSpans } from '../../../../agent/otlp/count';
import { undecodedBytesOf } from '../../../../agent/otlp/lazy';
import type { ExportTraceServiceRequest, Signal, SignalData } from '../../../../agent/otlp/model';
import { RecordingAppender } from '../../connectors/recording-appender';
import { startReceiver, type RunningReceiver } from './host';
import { post } from './client';
import { assertExportSucceeded, assertLogsArrived, assertSpansArrived, exportWith, makeLogs, makeSpans } from './sdk-data';

const PROTO = { headers: { 'content-type': 'application/x-protobuf' } };

function spanmetrics(): { c: SpanMetricsConnector; out: RecordingAppender } {
  const out = new RecordingAppender();
  return { c: new SpanMetricsConnector(spanmetricsConfigSchema.parse({ metrics_flush_interval: '0s' }), out, { now: () => 1_700_000_000_000 }), out };
}

const rows = (out: RecordingAppender) => out.samples.map((s) => JSON.stringify([Object.entries(s.labels).sort(), s.t, s.v])).sort();

function request(traceIdBytes = 16): ExportTraceServiceRequest {
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fast' } }] },
      scopeSpans: [{ spans: [{ traceId: Buffer.alloc(traceIdBytes, 1), spanId: Buffer.alloc(8, 2), name: 'op', startTimeUnixNano: 1, endTimeUnixNano: 2 }] }],
    }],
  } as unknown as ExportTraceServiceRequest;
}

describe('OTLP receiver trace fast path (scan, decode on first use)', () => {
  let rx: RunningReceiver;
  let grpcAddress: string;
  /** Whether each request was still undecoded when the pipeline got it. */
  let undecoded: boolean[];
  let logsUndecoded: boolean[];
  const fromBytes = spanmetrics();
  const fromTree = spanmetrics();

  beforeEach(async () => {
    rx = await startReceiver({ grpc: { endpoint: '127.0.0.1:0' } });
    grpcAddress = rx.receiver.grpcAddress!;
    undecoded = [];
    logsUndecoded = [];
    rx.consumer.behaviour = (signal: Signal, data: SignalData[Signal]) => {
      if (signal === 'logs') logsUndecoded.push(undecodedBytesOf(data) !== undefined);
      if (signal !== 'traces') return;
      undecoded.push(undecodedBytesOf(data) !== undefined);
      fromBytes.c.record(data as ExportTraceServiceRequest);
    };
  });
  afterEach(async () => { await rx.stop(); });

  it('real SDK spans (http/protobuf): undecoded in the pipeline, spanmetrics from bytes = from the tree, every field in the tree', async () => {
    const spans = await makeSpans('fast');
    const sdk = new OTLPTraceExporter({ url: `${rx.url}/v1/traces` });
    assertExportSucceeded(await exportWith(sdk, spans), 'SDK');
    await sdk.shutdown();
    const got = rx.consumer.of('traces');
    assert.ok(got.length > 0);
    assert.deepEqual(undecoded, got.map(() => true), 'every request reached the pipeline undecoded');
    assert.equal(got.reduce((n, r) => n + countSpans(r), 0), spans.length, 'counted from the scan');
    // Reading the tree decodes it; spanmetrics then counts from the objects.
    for (const r of got) assert.ok(r.resourceSpans.length > 0);
    for (const r of got) fromTree.c.record(r);
    assert.ok(got.every((r) => undecodedBytesOf(r) === undefined), 'decoded on first access');
    assertSpansArrived(spans, got);
    fromBytes.c.flush();
    fromTree.c.flush();
    assert.ok(fromTree.out.samples.length > 0);
    assert.deepEqual(rows(fromBytes.out), rows(fromTree.out));
  });

  it('real SDK spans over gRPC take the fast path too', async () => {
    const spans = await makeSpans('fast-grpc');
    const sdk = new OTLPGrpcTraceExporter({ url: `http://${grpcAddress}` });
    assertExportSucceeded(await exportWith(sdk, spans), 'SDK gRPC');
    await sdk.shutdown();
    const got = rx.consumer.of('traces');
    assert.deepEqual(undecoded, got.map(() => true));
    assertSpansArrived(spans, got);
  });

  it('real SDK log records (http/protobuf) take the fast path too, and every field is in the tree', async () => {
    const records = await makeLogs('fast-logs');
    const sdk = new OTLPLogExporter({ url: `${rx.url}/v1/logs` });
    assertExportSucceeded(await exportWith(sdk, records), 'SDK logs');
    await sdk.shutdown();
    const got = rx.consumer.of('logs');
    assert.ok(got.length > 0);
    assert.deepEqual(logsUndecoded, got.map(() => true));
    assertLogsArrived(records, got);
  });

  it('an invalid span, OTLP/JSON or broken bytes take the old path (decoded up front; partial success; 400)', async () => {
    const bad = await post(`${rx.url}/v1/traces`, Buffer.from(encodeProtoRequest('traces', request(8))), PROTO);
    assert.equal(bad.status, 200);
    assert.deepEqual(undecoded, [], 'nothing left to pass on');
    const json = await post(`${rx.url}/v1/traces`, encodeJsonRequest('traces', request()), { headers: { 'content-type': 'application/json' } });
    assert.equal(json.status, 200);
    assert.deepEqual(undecoded, [false]);
    const body = encodeProtoRequest('traces', request());
    const truncated = await post(`${rx.url}/v1/traces`, Buffer.from(body.subarray(0, body.length - 3)), PROTO);
    assert.equal(truncated.status, 400);
    const clean = await post(`${rx.url}/v1/traces`, Buffer.from(body), PROTO);
    assert.equal(clean.status, 200);
    assert.deepEqual(undecoded, [false, true]);
  });
});
