/**
 * The preload flushes at the edges of the process without changing how the
 * app exits: signals, uncaught exceptions, unhandled rejections. Export
 * delays are set to a minute, so whatever reaches the sink was flushed.
 */
import assert from 'node:assert/strict';
import { OtlpSink } from '../../helpers/otlp-sink';
import { waitFor } from '../../helpers/wait';
import {
  builtPreload, logRecords, makeAppDir, removeTmpDirs, runScript, spans, startApp, stopAllApps, type AppProcess,
} from '../helpers/preload-harness';
import { freePort } from '../../helpers/agent-process';

describe('preload: flushing on exit without changing exit semantics', function () {
  this.timeout(60000);
  const sink = new OtlpSink();
  let appDir: string;
  let preloadDir: string;

  before(async () => {
    await sink.start();
    preloadDir = await builtPreload();
    appDir = makeAppDir(['express-app.js', 'script.js'], ['express', 'pino', 'winston', 'bunyan']);
  });

  after(async () => {
    await stopAllApps();
    await sink.stop();
    removeTmpDirs();
  });

  function start(serviceName: string, extra: NodeJS.ProcessEnv = {}, preload: 'require' | 'none' = 'require'): Promise<AppProcess> {
    return startApp(appDir, 'express-app.js', {
      preload,
      preloadDir,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        OTEL_SERVICE_NAME: serviceName,
        // Nothing would be exported within a test's lifetime except by a flush.
        OTEL_BSP_SCHEDULE_DELAY: '60000',
        OTEL_BLRP_SCHEDULE_DELAY: '60000',
        OTEL_METRIC_EXPORT_INTERVAL: '60000',
        ...extra,
      },
    });
  }

  const serverSpan = (service: string, route: string) =>
    spans(sink).find((s) => s.kind === 2 && s.resource['service.name'] === service && s.attributes['http.route'] === route);

  it('SIGTERM without an app handler: flushes, then the process still dies by SIGTERM', async () => {
    const app = await start('sigterm-default');
    assert.equal((await app.get('/hello/term')).status, 200);
    const exit = await app.stop('SIGTERM');
    assert.deepEqual(exit, { code: null, signal: 'SIGTERM' });
    await waitFor(() => serverSpan('sigterm-default', '/hello/:name'), { timeoutMs: 5000, what: 'span flushed on SIGTERM' });
  });

  it("SIGTERM with the app's own handler: the app decides how to exit, the data is flushed meanwhile", async () => {
    const app = await start('sigterm-app', { APP_SIGTERM: 'handle' });
    assert.equal((await app.get('/hello/term')).status, 200);
    const exit = await app.stop('SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null }, 'exit code chosen by the app handler');
    assert.match(app.stdout(), /APP SIGTERM HANDLER/);
    await waitFor(() => serverSpan('sigterm-app', '/hello/:name'), { timeoutMs: 5000, what: 'span flushed while the app shut down' });
  });

  it('uncaught exception: recorded (error log + span event) and flushed, then Node prints it and exits 1 as usual', async () => {
    const bare = await start('crash-bare', {}, 'none');
    await bare.get('/crash');
    const bareExit = await bare.exited;
    const app = await start('crash');
    assert.equal((await app.get('/crash')).status, 200);
    const exit = await app.exited;
    assert.deepEqual(exit, bareExit, 'same exit as without the preload');
    assert.deepEqual(exit, { code: 1, signal: null });
    assert.match(app.stderr(), /Error: boom-crash\n\s+at /);
    assert.ok(app.stderr().includes(`Node.js ${process.version}`), 'Node printed the fatal error itself');
    const record = logRecords(sink).find((l) => l.resource['service.name'] === 'crash' && l.attributes['exception.message'] === 'boom-crash');
    assert.ok(record, 'error log record for the uncaught exception');
    assert.equal(record.severityText, 'ERROR');
    assert.equal(record.attributes['exception.type'], 'Error');
    assert.match(String(record.attributes['exception.stacktrace']), /boom-crash/);
    const span = spans(sink).find((s) => s.resource['service.name'] === 'crash' && s.name === 'uncaughtException');
    assert.ok(span, 'span for the uncaught exception');
    assert.equal(span.statusCode, 2);
    const event = span.events.find((e) => e.name === 'exception');
    assert.equal(event?.attributes['exception.message'], 'boom-crash');
    assert.ok(serverSpan('crash', '/crash'), 'the request before the crash was flushed too');
  });

  it('unhandled rejection: recorded and flushed, then the default crash happens', async () => {
    const app = await start('reject');
    assert.equal((await app.get('/reject')).status, 200);
    const exit = await app.exited;
    assert.deepEqual(exit, { code: 1, signal: null });
    assert.match(app.stderr(), /boom-reject/);
    const span = spans(sink).find((s) => s.resource['service.name'] === 'reject' && s.name === 'unhandledRejection');
    assert.ok(span, 'span for the unhandled rejection');
    assert.equal(span.events.find((e) => e.name === 'exception')?.attributes['exception.message'], 'boom-reject');
  });

  it("an app that handles uncaught exceptions itself keeps running, and the exception is still recorded", async () => {
    const app = await start('catcher', { OTEL_BSP_SCHEDULE_DELAY: '100', APP_CATCH_UNCAUGHT: '1' });
    await app.get('/crash');
    await waitFor(() => app.stdout().includes('APP CAUGHT boom-crash'), { what: "the app's own handler" });
    assert.equal((await app.get('/hello/still-here')).status, 200, 'still serving');
    await waitFor(() => spans(sink).find((s) => s.resource['service.name'] === 'catcher' && s.name === 'uncaughtException'), {
      what: 'recorded exception',
    });
    await app.stop('SIGKILL');
  });

  it('a script that simply finishes: flushed at exit, with its own exit code', async () => {
    const result = await runScript(appDir, 'script.js', {
      preload: 'require',
      preloadDir,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: 'script', OTEL_BLRP_SCHEDULE_DELAY: '60000', LOOKOUT_CAPTURE_CONSOLE: 'true' },
    });
    assert.deepEqual([result.code, result.signal, result.stdout], [3, null, 'script-done\n']);
    assert.ok(logRecords(sink).some((l) => l.resource['service.name'] === 'script' && l.body === 'script-done'), 'console record flushed at exit');
  });

  it('a script with the sidecar down does not hang on undeliverable telemetry (bounded by LOOKOUT_EXIT_FLUSH_TIMEOUT_MS)', async () => {
    const result = await runScript(appDir, 'script.js', {
      preload: 'require',
      preloadDir,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`, LOOKOUT_EXIT_FLUSH_TIMEOUT_MS: '500' },
    });
    assert.deepEqual([result.code, result.signal], [3, null]);
    // The exporter alone would retry for ~10 s; startup plus the 500 ms bound is far less.
    assert.ok(result.ms < 6000, `took ${result.ms} ms`);
  });
});
