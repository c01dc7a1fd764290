/** The diag logger and error handler the preload installs (in process, then removed). */
import assert from 'node:assert/strict';
import { diag } from '@opentelemetry/api';
import { globalErrorHandler, loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';
import { installDiagnostics } from '../../../instrumentation/preload/diagnostics';

describe('preload diagnostics', () => {
  afterEach(() => {
    diag.disable();
    setGlobalErrorHandler(loggingErrorHandler());
  });

  it('reports all export failures (error handler and diag) under one throttled key, naming the endpoint', () => {
    const lines: string[] = [];
    installDiagnostics({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://agent:4318' }, 60_000, (l) => lines.push(l));
    globalErrorHandler(new Error('connect ECONNREFUSED 10.0.0.1:4318'));
    globalErrorHandler(new Error('connect ECONNREFUSED 10.0.0.1:4318'));
    diag.error('PeriodicExportingMetricReader: metrics export timed out after 200ms');
    assert.deepEqual(lines, [
      '[error] sending telemetry to http://agent:4318 failed: connect ECONNREFUSED 10.0.0.1:4318. The app is unaffected; telemetry is dropped while this lasts',
    ]);
  });

  it('throttles repeated warnings even when their numbers differ; shows asked-for debug output in full', () => {
    const lines: string[] = [];
    installDiagnostics({ OTEL_LOG_LEVEL: 'debug' }, 60_000, (l) => lines.push(l));
    lines.length = 0; // the API's own "Registered a global for diag" debug line
    diag.warn('Dropped 12 spans because maxQueueSize reached');
    diag.warn('Dropped 40 spans because maxQueueSize reached');
    diag.debug('Applying patch', { module: 'http' });
    diag.debug('Applying patch', { module: 'express' });
    assert.deepEqual(lines, [
      '[warn] Dropped 12 spans because maxQueueSize reached',
      '[debug] Applying patch {"module":"http"}',
      '[debug] Applying patch {"module":"express"}',
    ]);
  });

  it('defaults to WARN; OTEL_LOG_LEVEL=none silences everything, export failures included', () => {
    const lines: string[] = [];
    installDiagnostics({}, 60_000, (l) => lines.push(l));
    diag.info('not shown at warn');
    diag.warn('shown');
    assert.deepEqual(lines, ['[warn] shown']);
    diag.disable();
    const quiet: string[] = [];
    installDiagnostics({ OTEL_LOG_LEVEL: 'none' }, 60_000, (l) => quiet.push(l));
    diag.error('nope');
    globalErrorHandler(new Error('export failed'));
    assert.deepEqual(quiet, []);
  });
});
