/**
 * Real apps under the injected preload, exporting to an OTLP sink decoded
 * with Lookout's codec: an Express app (CJS, --require), a plain node:http
 * app it calls, and an ES module app (--import). None of them has an
 * OpenTelemetry package of its own.
 */
import assert from 'node:assert/strict';
import { OtlpSink } from '../../helpers/otlp-sink';
import { waitFor } from '../../helpers/wait';
import {
  builtPreload, fastExportEnv, histogramCount, jsonLines, logRecords, makeAppDir, metricsByName, removeTmpDirs,
  spans, startApp, stopAllApps, type AppProcess,
} from '../helpers/preload-harness';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

describe('preload: zero-code instrumentation of real apps', function () {
  this.timeout(60000);
  const sink = new OtlpSink();
  let expressApp: AppProcess;
  let httpApp: AppProcess;
  let esmApp: AppProcess;

  before(async () => {
    await sink.start();
    const preloadDir = await builtPreload();
    const env = fastExportEnv(sink.url);
    const httpDir = makeAppDir(['http-app.js'], []);
    httpApp = await startApp(httpDir, 'http-app.js', {
      preload: 'require',
      preloadDir,
      env: { ...env, OTEL_SERVICE_NAME: 'downstream', LOOKOUT_CAPTURE_CONSOLE: 'true' },
    });
    const expressDir = makeAppDir(['express-app.js'], ['express', 'pino', 'winston', 'bunyan']);
    const esmDir = makeAppDir(['esm-app.mjs'], ['express', 'pino']);
    [expressApp, esmApp] = await Promise.all([
      startApp(expressDir, 'express-app.js', {
        preload: 'require',
        preloadDir,
        env: {
          ...env,
          OTEL_SERVICE_NAME: 'frontend',
          OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test,team=sre',
          K8S_POD_NAME: 'frontend-7d9c-abcde',
          K8S_NAMESPACE_NAME: 'shop',
          K8S_NODE_NAME: 'node-1',
          DOWNSTREAM_URL: httpApp.url,
        },
      }),
      startApp(esmDir, 'esm-app.mjs', { preload: 'import', preloadDir, env: { ...env, OTEL_SERVICE_NAME: 'esm-svc' } }),
    ]);
  });

  after(async () => {
    await stopAllApps();
    await sink.stop();
    removeTmpDirs();
  });

  it('leaves @opentelemetry/* unresolvable from the app itself', async () => {
    assert.deepEqual((await expressApp.get('/otel')).body, { resolvable: false });
  });

  it('exports Express server spans with http.route, and marks 5xx as errors', async () => {
    assert.equal((await expressApp.get('/hello/ada')).status, 200);
    assert.equal((await expressApp.get('/fail')).status, 500);
    const ok = await waitFor(
      () => spans(sink).find((s) => s.kind === SERVER && s.resource['service.name'] === 'frontend' && s.attributes['http.route'] === '/hello/:name'),
      { what: 'server span for /hello/:name' },
    );
    assert.equal(ok.attributes['http.request.method'], 'GET');
    assert.equal(ok.attributes['http.response.status_code'], 200);
    assert.notEqual(ok.statusCode, ERROR);
    const failed = await waitFor(
      () => spans(sink).find((s) => s.kind === SERVER && s.resource['service.name'] === 'frontend' && s.attributes['http.route'] === '/fail'),
      { what: 'server span for /fail' },
    );
    assert.equal(failed.attributes['http.response.status_code'], 500);
    assert.equal(failed.statusCode, ERROR, 'a 5xx server span has status ERROR');
    // By default the server span (named after the route) is the request's only span: the express
    // and router layer spans that repeat it are off (LOOKOUT_EXPRESS_LAYER_SPANS turns them on).
    assert.equal(ok.name, 'GET /hello/:name');
    assert.deepEqual(spans(sink).filter((s) => s.traceId === ok.traceId).map((s) => s.scope), ['@opentelemetry/instrumentation-http']);
  });

  it('propagates W3C trace context: a call from one instrumented app to another is one trace', async () => {
    const res = await expressApp.get('/chain');
    assert.equal(res.status, 200);
    const traceparent = (res.body as { downstream: { traceparent: string | null } }).downstream.traceparent;
    assert.match(traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/, 'the downstream app received a traceparent header');
    const downstream = await waitFor(
      () => spans(sink).find((s) => s.kind === SERVER && s.resource['service.name'] === 'downstream' && s.attributes['url.path'] === '/work'),
      { what: 'downstream server span' },
    );
    const upstream = await waitFor(
      () => spans(sink).find((s) => s.kind === SERVER && s.resource['service.name'] === 'frontend' && s.attributes['http.route'] === '/chain'),
      { what: 'upstream server span' },
    );
    assert.equal(downstream.traceId, upstream.traceId, 'one trace id across both apps');
    const client = spans(sink).find((s) => s.spanId === downstream.parentSpanId);
    assert.ok(client, 'the downstream server span has its parent (the upstream client span) in the sink');
    assert.equal(client.kind, CLIENT);
    assert.equal(client.resource['service.name'], 'frontend');
    assert.equal(client.traceId, upstream.traceId);
  });

  it('sends pino, winston and bunyan records as OTel logs carrying the trace id, and injects trace_id into their output', async () => {
    const marker = `m-${Date.now()}`;
    assert.equal((await expressApp.get(`/log?marker=${marker}`)).status, 200);
    const server = await waitFor(
      () => spans(sink).find((s) => s.kind === SERVER && s.resource['service.name'] === 'frontend' && s.attributes['http.route'] === '/log'),
      { what: 'server span for /log' },
    );
    const pinoRecord = await waitFor(() => logRecords(sink).find((l) => l.body === 'pino-line' && l.attributes.marker === marker), {
      what: 'pino log record',
    });
    const winstonRecord = await waitFor(() => logRecords(sink).find((l) => l.body === 'winston-line' && l.attributes.marker === marker), {
      what: 'winston log record',
    });
    const bunyanRecord = await waitFor(() => logRecords(sink).find((l) => l.body === 'bunyan-line' && l.attributes.marker === marker), {
      what: 'bunyan log record',
    });
    for (const record of [pinoRecord, winstonRecord, bunyanRecord]) {
      assert.equal(record.traceId, server.traceId);
      assert.equal(record.severityText.toLowerCase(), 'info');
      assert.equal(record.resource['service.name'], 'frontend');
    }
    // Log correlation: the app's own stdout lines carry the ids too.
    const printed = jsonLines(expressApp.stdout()).filter((l) => l.marker === marker);
    assert.equal(printed.length, 3, `pino, winston and bunyan lines on stdout: ${JSON.stringify(printed)}`);
    for (const line of printed) assert.equal(line.trace_id, server.traceId);
  });

  it('captures console output as log records when LOOKOUT_CAPTURE_CONSOLE=true', async () => {
    const record = await waitFor(
      () => logRecords(sink).find((l) => l.resource['service.name'] === 'downstream' && String(l.body).startsWith('console-line from /work')),
      { what: 'console log record' },
    );
    assert.equal(record.severityText, 'INFO');
    assert.equal(record.attributes['log.iostream'], 'stdout');
    assert.match(record.traceId, /^[0-9a-f]{32}$/);
    assert.notEqual(record.traceId, '0'.repeat(32), 'console record emitted inside a request carries its trace');
    // Not captured where not asked for: the frontend app's console output (LISTENING ...) stays local.
    assert.ok(!logRecords(sink).some((l) => l.resource['service.name'] === 'frontend' && String(l.body).startsWith('LISTENING')));
  });

  it('exports HTTP (stable semconv) and Node runtime metrics', async () => {
    await expressApp.get('/hello/metrics');
    const byName = await waitFor(
      () => {
        const m = metricsByName(sink);
        const server = m.get('http.server.request.duration')?.filter((e) => e.resource['service.name'] === 'frontend');
        return server?.some((e) => histogramCount(e.metric, (a) => a['http.route'] === '/hello/:name') > 0) &&
          m.has('http.client.request.duration') && m.has('nodejs.eventloop.delay.p99') && m.has('v8js.memory.heap.used') &&
          m.has('process.cpu.time') && m.has('process.memory.usage') && m.has('v8js.memory.heap.limit')
          ? m
          : undefined;
      },
      { what: 'http, runtime and process metrics' },
    );
    const duration = byName.get('http.server.request.duration')![0].metric;
    assert.equal(duration.unit, 's');
    assert.ok(byName.has('v8js.gc.duration') || byName.has('nodejs.eventloop.utilization'), 'gc or event loop utilization reported');
    const limit = byName.get('v8js.memory.heap.limit')!.at(-1)!.metric;
    assert.ok((limit.gauge?.dataPoints[0].asDouble ?? Number(limit.gauge?.dataPoints[0].asInt ?? 0)) > 16 * 1024 * 1024, 'V8 heap limit reported (for the HeapNearLimit rule)');
    const cpu = byName.get('process.cpu.time')!.at(-1)!.metric;
    assert.ok(cpu.sum?.isMonotonic, 'process.cpu.time is a monotonic counter');
    assert.ok(!byName.has('http.server.duration'), 'no old-semconv duplicates');
  });

  it('describes the app with service, host, process, container and Kubernetes resource attributes', async () => {
    const span = await waitFor(() => spans(sink).find((s) => s.resource['service.name'] === 'frontend'), { what: 'any frontend span' });
    const r = span.resource;
    assert.equal(r['k8s.pod.name'], 'frontend-7d9c-abcde');
    assert.equal(r['k8s.namespace.name'], 'shop');
    assert.equal(r['k8s.node.name'], 'node-1');
    assert.equal(r['deployment.environment.name'], 'test');
    assert.equal(r['team'], 'sre');
    assert.equal(r['process.pid'], expressApp.child.pid);
    assert.equal(typeof r['host.name'], 'string');
    assert.equal(typeof r['service.instance.id'], 'string');
    assert.equal(r['telemetry.distro.name'], 'lookout');
    assert.equal(r['telemetry.sdk.language'], 'nodejs');
  });

  it('instruments an ES module app started with --import (express spans, pino correlation)', async () => {
    assert.equal((await esmApp.get('/esm/42')).status, 200);
    assert.equal((await esmApp.get('/esm-fail')).status, 502);
    const ok = await waitFor(
      () => spans(sink).find((s) => s.kind === SERVER && s.resource['service.name'] === 'esm-svc' && s.attributes['http.route'] === '/esm/:id'),
      { what: 'ESM server span with route' },
    );
    const failed = await waitFor(
      () => spans(sink).find((s) => s.kind === SERVER && s.resource['service.name'] === 'esm-svc' && s.attributes['http.route'] === '/esm-fail'),
      { what: 'ESM 502 span' },
    );
    assert.equal(failed.statusCode, ERROR);
    const record = await waitFor(() => logRecords(sink).find((l) => l.body === 'esm-pino-line' && l.resource['service.name'] === 'esm-svc'), {
      what: 'ESM pino record',
    });
    assert.equal(record.traceId, ok.traceId);
    const printed = jsonLines(esmApp.stdout()).find((l) => l.msg === 'esm-pino-line');
    assert.equal(printed?.trace_id, ok.traceId);
  });

  it('keeps the preload quiet on stderr while the sidecar is reachable', () => {
    for (const app of [expressApp, httpApp, esmApp]) assert.equal(app.stderr(), '', `stderr of ${app.url}`);
  });
});
