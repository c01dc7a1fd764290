import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { ServiceUnavailableError } from '../../../instrumentation/toolkit/errors';
import { StructuredLogger } from '../../../instrumentation/toolkit/logger';
import { captureLines, installTestTelemetry, type TestTelemetry } from './telemetry-harness';

describe('toolkit StructuredLogger', () => {
  let telemetry: TestTelemetry;
  beforeEach(() => (telemetry = installTestTelemetry()));
  afterEach(() => telemetry.uninstall());

  it('writes JSON records with ISO time, level name, service and message', () => {
    const out = captureLines();
    new StructuredLogger('deployment', { destination: out }).info('Starting deployment', { environment: 'production' });
    const [line] = out.lines;
    assert.equal(line.level, 'info');
    assert.equal(line.service, 'deployment');
    assert.equal(line.message, 'Starting deployment');
    assert.equal(line.environment, 'production');
    assert.match(String(line.time), /^\d{4}-\d\d-\d\dT.*Z$/);
  });

  it('uses the active trace as correlation id (trace_id, span_id), a per-logger id outside spans', () => {
    const out = captureLines();
    const logger = new StructuredLogger('api', { destination: out, correlationId: 'abcd1234' });
    logger.info('outside');
    let traceId = '';
    let spanId = '';
    trace.getTracer('t').startActiveSpan('request', (span) => {
      ({ traceId, spanId } = span.spanContext());
      logger.info('inside');
      span.end();
    });
    assert.deepEqual(
      [out.lines[0].correlation_id, out.lines[0].trace_id, out.lines[0].span_id],
      ['abcd1234', undefined, undefined],
    );
    assert.deepEqual([out.lines[1].correlation_id, out.lines[1].trace_id, out.lines[1].span_id], [traceId, traceId, spanId]);
  });

  it('generates an 8-character correlation id by default (seed: uuid[:8])', () => {
    assert.match(new StructuredLogger('x', { destination: captureLines() }).correlationId, /^[0-9a-f]{8}$/);
  });

  it('withContext adds fields to every record and keeps the correlation id', () => {
    const out = captureLines();
    const logger = new StructuredLogger('deployment', { destination: out, correlationId: 'c0ffee00' });
    const build = logger.withContext({ step: 'build', service_name: 'web' });
    build.info('Build completed', { artifact_size_mb: 150 });
    logger.info('plain');
    assert.equal(out.lines[0].step, 'build');
    assert.equal(out.lines[0].service_name, 'web');
    assert.equal(out.lines[0].artifact_size_mb, 150);
    assert.equal(out.lines[0].correlation_id, 'c0ffee00');
    assert.equal(build.correlationId, 'c0ffee00');
    assert.equal(out.lines[1].step, undefined, 'the parent logger is unchanged');
  });

  it('error() adds error_type, error_message, stack_trace, and the details of a LookoutError', () => {
    const out = captureLines();
    const logger = new StructuredLogger('svc', { destination: out });
    logger.error('Deployment failed', new ServiceUnavailableError('registry down', { registry: 'r1' }), { status: 'failed' });
    logger.warning('careful');
    logger.debug('hidden at info level');
    const [line, warn] = out.lines;
    assert.equal(line.level, 'error');
    assert.equal(line.status, 'failed');
    assert.equal(line.error_type, 'ServiceUnavailableError');
    assert.equal(line.error_message, 'registry down');
    assert.match(String(line.stack_trace), /ServiceUnavailableError: registry down\n\s+at /);
    assert.deepEqual(line.error_details, { registry: 'r1' });
    assert.equal(warn.level, 'warn');
    assert.equal(out.lines.length, 2);
  });
});
