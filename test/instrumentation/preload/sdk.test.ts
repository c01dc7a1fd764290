/**
 * The standard OTEL_* variables reach the bundled SDK (the ones not already
 * exercised by the other preload tests: endpoint, service name, resource
 * attributes, export intervals, OTEL_SDK_DISABLED).
 */
import assert from 'node:assert/strict';
import { OtlpSink } from '../../helpers/otlp-sink';
import { waitFor } from '../../helpers/wait';
import { GrpcSink } from '../helpers/grpc-sink';
import {
  builtPreload, fastExportEnv, logRecords, makeAppDir, metricsByName, removeTmpDirs, spans, startApp, stopAllApps,
} from '../helpers/preload-harness';

describe('preload: OTEL_* environment variables', function () {
  this.timeout(60000);
  const sink = new OtlpSink();
  let preloadDir: string;
  let appDir: string;

  before(async () => {
    await sink.start();
    preloadDir = await builtPreload();
    appDir = makeAppDir(['express-app.js'], ['express', 'pino', 'winston', 'bunyan']);
  });
  after(async () => {
    await stopAllApps();
    await sink.stop();
    removeTmpDirs();
  });

  it('OTEL_EXPORTER_OTLP_PROTOCOL=http/json, OTEL_EXPORTER_OTLP_HEADERS, OTEL_NODE_DISABLED_INSTRUMENTATIONS', async () => {
    const app = await startApp(appDir, 'express-app.js', {
      preload: 'require',
      preloadDir,
      env: {
        ...fastExportEnv(sink.url),
        OTEL_SERVICE_NAME: 'json-svc',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme,authorization=Bearer%20t0ken',
        OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'express,router',
      },
    });
    await app.get('/hello/json');
    const server = await waitFor(() => spans(sink).find((s) => s.resource['service.name'] === 'json-svc' && s.kind === 2), { what: 'server span' });
    const request = sink.received.find((r) => r.signal === 'traces' && r.encoding === 'json');
    assert.ok(request, 'traces arrived as OTLP/JSON');
    assert.ok(!sink.received.some((r) => r.encoding === 'proto' && r.headers['x-tenant'] === 'acme'), 'every request of that app is JSON');
    assert.equal(request.headers['x-tenant'], 'acme');
    assert.equal(request.headers.authorization, 'Bearer t0ken');
    assert.equal(server.attributes['http.route'], undefined, 'no route: the express instrumentation is disabled');
    assert.ok(!spans(sink).some((s) => s.traceId === server.traceId && s.scope.includes('express')));
    await app.stop();
  });

  it('OTEL_TRACES_SAMPLER=always_off, OTEL_NODE_ENABLED_INSTRUMENTATIONS=http, OTEL_LOG_LEVEL=debug', async () => {
    const app = await startApp(appDir, 'express-app.js', {
      preload: 'require',
      preloadDir,
      env: {
        ...fastExportEnv(sink.url),
        OTEL_SERVICE_NAME: 'sampled-out',
        OTEL_TRACES_SAMPLER: 'always_off',
        OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http',
        OTEL_LOG_LEVEL: 'debug',
      },
    });
    await app.get('/hello/a');
    await app.get('/log?marker=off');
    // Metrics still flow (the sampler is about traces) and only http was instrumented.
    await waitFor(
      () => metricsByName(sink).get('http.server.request.duration')?.some((e) => e.resource['service.name'] === 'sampled-out'),
      { what: 'http metrics of the sampled-out app' },
    );
    const exit = await app.stop('SIGTERM'); // flushes whatever would still be sent
    assert.equal(exit.signal, 'SIGTERM');
    assert.ok(!spans(sink).some((s) => s.resource['service.name'] === 'sampled-out'), 'no spans with always_off');
    assert.ok(!logRecords(sink).some((l) => l.resource['service.name'] === 'sampled-out' && l.body === 'pino-line'), 'pino not instrumented');
    const m = metricsByName(sink);
    assert.ok(!m.get('nodejs.eventloop.delay.p99')?.some((e) => e.resource['service.name'] === 'sampled-out'), 'runtime-node not enabled');
    assert.match(app.stderr(), /^lookout-preload: \[debug\] /m, 'diagnostics at debug level on stderr');
  });

  it('OTEL_EXPORTER_OTLP_PROTOCOL=grpc works from the bundle', async () => {
    const grpcSink = await new GrpcSink().start();
    try {
      const app = await startApp(appDir, 'express-app.js', {
        preload: 'require',
        preloadDir,
        env: { ...fastExportEnv(grpcSink.url), OTEL_SERVICE_NAME: 'grpc-svc', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      });
      await app.get('/hello/grpc');
      await waitFor(
        () => grpcSink.of('traces').some((t) => t.resourceSpans.some((rs) => rs.scopeSpans.some((ss) => ss.spans.some((s) => s.name.startsWith('GET'))))),
        { what: 'a span over gRPC' },
      );
      await waitFor(() => grpcSink.of('metrics').length > 0, { what: 'metrics over gRPC' });
      await app.stop('SIGKILL');
    } finally {
      await grpcSink.stop();
    }
  });
});
