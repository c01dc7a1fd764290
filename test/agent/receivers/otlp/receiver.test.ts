/**
 * The OTLP receiver with the real OTel JS SDK exporters as clients
 * (http/json and http/protobuf, plain and gzip): every span, metric point
 * and log record must reach the next consumer intact, and the self-metrics
 * must count them. Also the component lifecycle.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { OTLPTraceExporter as TraceJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TraceProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPMetricExporter as MetricJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPLogExporter as LogJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { OtlpReceiver } from '../../../../agent/receivers/otlp';
import { otlpReceiverConfigSchema } from '../../../../agent/receivers/otlp/config';
import { RetryableError } from '../../../../agent/component/component';
import { capturingLogger, counterValue, RecordingConsumer, startReceiver, testHost, type RunningReceiver } from './host';
import {
  assertExportSucceeded, assertLogsArrived, assertMetricsArrived, assertSpansArrived, exportWith, makeLogs, makeMetrics, makeSpans, sdkPointCount,
} from './sdk-data';
import { waitFor } from '../../../helpers/wait';

const ATTRS = (signal: string) => ({ signal, receiver: 'otlp', transport: 'http' });

describe('OtlpReceiver (OTLP/HTTP) with the OTel JS SDK exporters', function () {
  this.timeout(30_000);
  let r: RunningReceiver;

  before(async () => {
    r = await startReceiver();
  });
  after(async () => {
    await r?.stop();
  });
  beforeEach(() => r.consumer.clear());

  for (const encoding of ['json', 'proto'] as const) {
    for (const compression of [CompressionAlgorithm.NONE, CompressionAlgorithm.GZIP]) {
      const label = `http/${encoding}${compression === CompressionAlgorithm.GZIP ? ' + gzip' : ''}`;

      it(`traces from the ${label} exporter arrive intact`, async () => {
        const tag = `t-${label}`;
        const spans = await makeSpans(tag);
        assert.equal(spans.length, 5);
        const url = `${r.url}/v1/traces`;
        const exporter = encoding === 'json' ? new TraceJson({ url, compression }) : new TraceProto({ url, compression });
        const before = await counterValue(r.host, 'lookout_receiver_accepted_items', ATTRS('traces'));
        assertExportSucceeded(await exportWith(exporter, spans), label);
        await exporter.shutdown();
        assertSpansArrived(spans, r.consumer.of('traces'));
        assert.equal(await counterValue(r.host, 'lookout_receiver_accepted_items', ATTRS('traces')) - before, 5, 'accepted spans counted');
      });

      it(`metrics from the ${label} exporter arrive intact`, async () => {
        const rm = await makeMetrics(`m-${label}`);
        const url = `${r.url}/v1/metrics`;
        const exporter = encoding === 'json' ? new MetricJson({ url, compression }) : new MetricProto({ url, compression });
        const before = await counterValue(r.host, 'lookout_receiver_accepted_items', ATTRS('metrics'));
        assertExportSucceeded(await exportWith(exporter, rm), label);
        await exporter.shutdown();
        assertMetricsArrived(rm, r.consumer.of('metrics'));
        assert.equal(await counterValue(r.host, 'lookout_receiver_accepted_items', ATTRS('metrics')) - before, sdkPointCount(rm), 'accepted data points counted');
      });

      it(`logs from the ${label} exporter arrive intact`, async () => {
        const logs = await makeLogs(`l-${label}`);
        assert.equal(logs.length, 8);
        const url = `${r.url}/v1/logs`;
        const exporter = encoding === 'json' ? new LogJson({ url, compression }) : new LogProto({ url, compression });
        const before = await counterValue(r.host, 'lookout_receiver_accepted_items', ATTRS('logs'));
        assertExportSucceeded(await exportWith(exporter, logs), label);
        await exporter.shutdown();
        assertLogsArrived(logs, r.consumer.of('logs'));
        assert.equal(await counterValue(r.host, 'lookout_receiver_accepted_items', ATTRS('logs')) - before, 8, 'accepted log records counted');
      });
    }
  }

  it('records request durations per signal and status code', async () => {
    const { resourceMetrics } = await r.host.reader.collect();
    const hist = resourceMetrics.scopeMetrics.flatMap((sm) => sm.metrics).find((m) => m.descriptor.name === 'lookout_receiver_request_duration_seconds');
    assert.ok(hist, 'duration histogram exists');
    const ok = hist.dataPoints.filter((p) => p.attributes.status_code === '200' && p.attributes.transport === 'http');
    assert.deepEqual(new Set(ok.map((p) => p.attributes.signal)), new Set(['traces', 'metrics', 'logs']));
    assert.equal(hist.descriptor.unit, 's');
  });
});

describe('OtlpReceiver lifecycle', function () {
  this.timeout(30_000);

  it('shutdown() is safe before start() and idempotent', async () => {
    const receiver = new OtlpReceiver(otlpReceiverConfigSchema.parse({ http: { endpoint: '127.0.0.1:0' } }), new RecordingConsumer());
    await receiver.shutdown();
    await receiver.shutdown();
    assert.equal(receiver.httpAddress, undefined);
    await assert.rejects(receiver.start(testHost()), /cannot start: it is stopped/);
  });

  it('exposes the bound port, stops accepting on shutdown, and a second shutdown is a no-op', async () => {
    const r = await startReceiver();
    assert.match(r.receiver.httpAddress ?? '', /^127\.0\.0\.1:\d+$/);
    assert.notEqual(r.receiver.httpAddress, '127.0.0.1:0');
    await r.stop();
    await r.receiver.shutdown();
    await assert.rejects(fetch(`${r.url}/v1/traces`, { method: 'POST' }), 'connection refused after shutdown');
  });

  it('shutdown() during start() waits for the bind and closes what it opened', async () => {
    const host = testHost();
    const receiver = new OtlpReceiver(otlpReceiverConfigSchema.parse({ http: { endpoint: '127.0.0.1:0' }, grpc: { endpoint: '127.0.0.1:0' } }), new RecordingConsumer());
    const starting = receiver.start(host);
    await receiver.shutdown();
    await starting;
    assert.ok(receiver.httpAddress && receiver.grpcAddress, 'both listeners had bound');
    await assert.rejects(fetch(`${receiver.httpUrl}/v1/traces`, { method: 'POST' }), 'HTTP closed');
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(receiver.grpcAddress!.split(':')[1]), '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); reject(new Error('gRPC port still open')); });
      socket.once('error', () => resolve());
    });
    await host.cleanup();
  });

  it('start fails with the config key and endpoint when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const host = testHost();
    const receiver = new OtlpReceiver(otlpReceiverConfigSchema.parse({ http: { endpoint: `127.0.0.1:${port}` } }), new RecordingConsumer());
    try {
      await assert.rejects(receiver.start(host), new RegExp(`receivers\\.otlp\\.http\\.endpoint 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      await receiver.shutdown();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
      await host.cleanup();
    }
  });

  it('shutdown waits for in-flight requests, which still get their answer', async () => {
    const r = await startReceiver();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let entered = false;
    r.consumer.behaviour = async () => { entered = true; await gate; };
    const body = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'in flight' } }] }] }] });
    const pending = fetch(`${r.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await waitFor(() => entered, { what: 'request reached the consumer' });
    let shutDown = false;
    const stopping = r.receiver.shutdown().then(() => { shutDown = true; });
    // The listener is closed right away...
    await waitFor(async () => (await fetch(`${r.url}/v1/logs`, { method: 'POST' }).then(() => false, () => true)), { what: 'new connections refused' });
    assert.equal(shutDown, false, 'shutdown waits while a request is in flight');
    release();
    const res = await pending;
    assert.equal(res.status, 200);
    await stopping;
    assert.equal(r.consumer.of('logs').length, 1);
    await r.host.cleanup();
  });

  it('logs the listen address at start, and back-pressure warnings at most once per interval', async () => {
    const lines: Record<string, unknown>[] = [];
    const r = await startReceiver({}, { id: 'otlp/app' }, { logger: capturingLogger(lines) });
    try {
      const listening = lines.find((l) => l.msg === 'OTLP/HTTP receiver listening');
      assert.ok(listening, 'start is logged');
      assert.equal(listening.endpoint, r.receiver.httpAddress);
      assert.equal(listening.component, 'receiver/otlp/app');
      r.consumer.behaviour = () => { throw new RetryableError('queue full'); };
      const body = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x' } }] }] }] });
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${r.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        assert.equal(res.status, 503);
      }
      const warnings = lines.filter((l) => l.level === 40);
      assert.equal(warnings.length, 1, 'one warning for five refusals');
      assert.match(String(warnings[0].msg), /pipeline refused 1 log record/);
      assert.equal(await counterValue(r.host, 'lookout_receiver_refused_items', { signal: 'logs', receiver: 'otlp/app' }), 5, 'all five counted, with the component id as receiver');
    } finally {
      await r.stop();
    }
  });

  it('with only grpc configured, no HTTP port is opened', async () => {
    const host = testHost();
    const receiver = new OtlpReceiver(otlpReceiverConfigSchema.parse({ grpc: { endpoint: '127.0.0.1:0' } }), new RecordingConsumer());
    try {
      await receiver.start(host);
      assert.equal(receiver.httpAddress, undefined);
      assert.match(receiver.grpcAddress ?? '', /^127\.0\.0\.1:\d+$/);
    } finally {
      await receiver.shutdown();
      await host.cleanup();
    }
  });
});
