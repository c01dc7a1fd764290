import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { ConfigurationError, LookoutError, ServiceUnavailableError } from '../../../instrumentation/toolkit/errors';
import { StructuredLogger } from '../../../instrumentation/toolkit/logger';
import { RETRY_ATTEMPTS_METRIC, retry } from '../../../instrumentation/toolkit/retry';
import { captureLines, installTestTelemetry, type TestTelemetry } from './telemetry-harness';

/** A function failing `failures` times with `error`, then returning 'ok'. */
function flaky(failures: number, error: () => Error = () => new ServiceUnavailableError('down')) {
  const calls: number[] = [];
  const fn = async ({ attempt }: { attempt: number }) => {
    calls.push(attempt);
    if (calls.length <= failures) throw error();
    return 'ok';
  };
  return { fn, calls };
}

describe('toolkit retry', () => {
  let telemetry: TestTelemetry;
  beforeEach(() => (telemetry = installTestTelemetry()));
  afterEach(() => telemetry.uninstall());

  const fast = { baseDelayMs: 1, maxDelayMs: 5 };

  it('retries until success, counting every attempt and adding one span event per attempt', async () => {
    const { fn, calls } = flaky(2);
    const result = await trace.getTracer('test').startActiveSpan('parent', async (span) => {
      try {
        return await retry(fn, { ...fast, operation: 'fetch_inventory' });
      } finally {
        span.end();
      }
    });
    assert.equal(result, 'ok');
    assert.deepEqual(calls, [1, 2, 3]);
    const [parent] = telemetry.spans();
    const events = parent.events.filter((e) => e.name === 'retry.attempt');
    assert.deepEqual(
      events.map((e) => [e.attributes?.['retry.attempt'], e.attributes?.['retry.outcome']]),
      [[1, 'failure'], [2, 'failure'], [3, 'success']],
    );
    assert.equal(events[0].attributes?.['error.type'], 'ServiceUnavailableError');
    assert.equal(events[0].attributes?.['retry.operation'], 'fetch_inventory');
    await telemetry.collect();
    const points = telemetry.points(RETRY_ATTEMPTS_METRIC);
    assert.deepEqual(
      points.map((p) => [p.attributes.outcome, p.value]).sort(),
      [['failure', 2], ['success', 1]],
    );
    assert.ok(points.every((p) => p.attributes.operation === 'fetch_inventory'));
  });

  it('gives up after maxRetries, rethrowing the last error, and logs like the seed', async () => {
    const out = captureLines();
    const logger = new StructuredLogger('svc', { destination: out });
    let n = 0;
    const fn = async () => {
      n++;
      throw new ServiceUnavailableError(`down #${n}`);
    };
    await assert.rejects(retry(fn, { ...fast, maxRetries: 2, operation: 'check_health', logger }), (err: Error) => {
      assert.ok(err instanceof ServiceUnavailableError);
      assert.equal(err.message, 'down #3');
      return true;
    });
    assert.equal(n, 3, 'first call + 2 retries');
    const warnings = out.lines.filter((l) => l.level === 'warn');
    assert.equal(warnings.length, 2);
    assert.match(String(warnings[0].message), /^Function check_health failed \(attempt 1\), retrying in \d+\.\d\ds$/);
    assert.equal(warnings[0].attempt, 1);
    assert.equal(warnings[0].error, 'down #1');
    const errors = out.lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].message, 'Function check_health failed after 2 retries');
    assert.equal(errors[0].attempts, 3);
    assert.equal(errors[0].error_type, 'ServiceUnavailableError');
  });

  it('fails fast on errors the filter rejects (class list)', async () => {
    const { fn, calls } = flaky(5, () => new ConfigurationError('bad config'));
    await assert.rejects(retry(fn, { ...fast, retryOn: [ServiceUnavailableError] }), ConfigurationError);
    assert.deepEqual(calls, [1]);
    await telemetry.collect();
    assert.deepEqual(telemetry.points(RETRY_ATTEMPTS_METRIC).map((p) => [p.attributes.outcome, p.value]), [['failure', 1]]);
  });

  it('accepts a predicate filter, and retries subclasses of listed classes', async () => {
    const transient = flaky(2, () => Object.assign(new Error('ECONNRESET'), { code: 'ECONNRESET' }));
    assert.equal(await retry(transient.fn, { ...fast, retryOn: (e) => (e as { code?: string }).code === 'ECONNRESET' }), 'ok');
    assert.equal(transient.calls.length, 3);
    const sub = flaky(1, () => new ServiceUnavailableError('x'));
    assert.equal(await retry(sub.fn, { ...fast, retryOn: [LookoutError] }), 'ok');
    assert.equal(sub.calls.length, 2);
  });

  it('waits the jittered backoff between attempts', async () => {
    const { fn } = flaky(2);
    const started = Date.now();
    // random 0 => half of 40 ms, then half of 80 ms: at least 60 ms in total.
    await retry(fn, { baseDelayMs: 40, maxDelayMs: 1000, random: () => 0 });
    assert.ok(Date.now() - started >= 58, `waited ${Date.now() - started} ms`);
  });

  it('stops retrying when the signal aborts', async () => {
    const controller = new AbortController();
    let n = 0;
    const fn = async () => {
      n++;
      controller.abort();
      throw new ServiceUnavailableError('down');
    };
    await assert.rejects(retry(fn, { ...fast, maxRetries: 5, signal: controller.signal }));
    assert.equal(n, 1);
  });
});
