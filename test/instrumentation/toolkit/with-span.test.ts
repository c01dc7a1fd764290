import assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import { ConfigurationError, LookoutError } from '../../../instrumentation/toolkit/errors';
import { StructuredLogger } from '../../../instrumentation/toolkit/logger';
import { withSpan } from '../../../instrumentation/toolkit/with-span';
import { captureLines, installTestTelemetry, type TestTelemetry } from './telemetry-harness';

describe('toolkit withSpan (seed: error_context)', () => {
  let telemetry: TestTelemetry;
  beforeEach(() => (telemetry = installTestTelemetry()));
  afterEach(() => telemetry.uninstall());

  it('runs the operation in its own span carrying the context as attributes', async () => {
    const result = await withSpan('deploy_service', { service_name: 'web', version: '1.2.3' }, async (span) => {
      span.setAttribute('step', 'verify');
      return 42;
    });
    assert.equal(result, 42);
    const [span] = telemetry.spans();
    assert.equal(span.name, 'deploy_service');
    assert.deepEqual(span.attributes, { service_name: 'web', version: '1.2.3', step: 'verify' });
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.instrumentationScope.name, 'lookout-toolkit');
  });

  it('nests: spans started inside are children, in the same trace', async () => {
    await withSpan('outer', {}, () => withSpan('inner', {}, () => undefined));
    const inner = telemetry.spans().find((s) => s.name === 'inner')!;
    const outer = telemetry.spans().find((s) => s.name === 'outer')!;
    assert.equal(inner.spanContext().traceId, outer.spanContext().traceId);
    assert.equal(inner.parentSpanContext?.spanId, outer.spanContext().spanId);
  });

  it('a LookoutError propagates unchanged, recorded on the span with ERROR status', async () => {
    const thrown = new ConfigurationError('Invalid environment: qa', { valid_environments: ['dev', 'staging', 'prod'] });
    await assert.rejects(
      withSpan('deploy_service', { environment: 'qa' }, () => {
        throw thrown;
      }),
      (err) => err === thrown,
    );
    const [span] = telemetry.spans();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.status.message, 'Invalid environment: qa');
    assert.equal(span.attributes['error.type'], 'ConfigurationError');
    const event = span.events.find((e) => e.name === 'exception');
    assert.equal(event?.attributes?.['exception.type'], 'ConfigurationError');
    assert.equal(event?.attributes?.['exception.message'], 'Invalid environment: qa');
  });

  it('wraps any other error in a LookoutError with the context and original_error, keeping the cause', async () => {
    const original = new TypeError("Cannot read properties of undefined (reading 'replicas')");
    await assert.rejects(
      withSpan('scale', { service_name: 'web', replicas: 3 }, async () => {
        throw original;
      }),
      (err: unknown) => {
        assert.ok(err instanceof LookoutError);
        assert.equal(err.constructor, LookoutError);
        assert.equal(err.message, 'Unexpected error in scale');
        assert.deepEqual(err.details, { service_name: 'web', replicas: 3, original_error: original.message });
        assert.equal(err.cause, original);
        return true;
      },
    );
    const [span] = telemetry.spans();
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.events.find((e) => e.name === 'exception')?.attributes?.['exception.type'], 'TypeError');
  });

  it('with a logger, logs start, completion and failures like the seed, inside the span', async () => {
    const out = captureLines();
    const logger = new StructuredLogger('deployment', { destination: out });
    await withSpan('build', { version: '2' }, () => undefined, { logger });
    await assert.rejects(
      withSpan('deploy', { version: '2' }, () => {
        throw new Error('disk full');
      }, { logger }),
    );
    assert.deepEqual(
      out.lines.map((l) => [l.level, l.message]),
      [
        ['info', 'Starting operation: build'],
        ['info', 'Completed operation: build'],
        ['info', 'Starting operation: deploy'],
        ['error', 'Unexpected error in deploy: disk full'],
      ],
    );
    const failure = out.lines[3];
    assert.equal(failure.version, '2');
    assert.equal(failure.error_type, 'Error');
    const deploySpan = telemetry.spans().find((s) => s.name === 'deploy')!;
    assert.equal(failure.trace_id, deploySpan.spanContext().traceId, 'log lines carry the operation span');
  });
});
