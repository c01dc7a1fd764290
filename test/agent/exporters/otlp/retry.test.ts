import assert from 'node:assert/strict';
import { withRetries, type RetrySettings } from '../../../../agent/exporters/otlp/retry';
import { PermanentSendError, RetriesExhaustedError, RetryableSendError, ShutdownAbortError } from '../../../../agent/exporters/otlp/errors';

const fast: RetrySettings = { enabled: true, initialIntervalMs: 1, maxIntervalMs: 4, multiplier: 2, randomizationFactor: 0, maxElapsedMs: 0 };
const never = new AbortController().signal;

/** An attempt function failing with the given errors in turn, then resolving 'ok'. */
function failing(errors: Error[]) {
  let calls = 0;
  const fn = async () => {
    calls++;
    const e = errors.shift();
    if (e) throw e;
    return 'ok';
  };
  return { fn, calls: () => calls };
}

describe('exporter retry loop', () => {
  it('retries retryable failures with growing, capped delays', async () => {
    const f = failing([1, 2, 3, 4].map((i) => new RetryableSendError(`fail ${i}`)));
    const delays: number[] = [];
    assert.equal(await withRetries(f.fn, fast, { cancel: never, onRetry: (r) => delays.push(r.delayMs) }), 'ok');
    assert.equal(f.calls(), 5);
    assert.deepEqual(delays, [1, 2, 4, 4]);
  });

  it('uses the upstream Retry-After for the wait', async () => {
    const f = failing([new RetryableSendError('503', 30, 503)]);
    const seen: number[] = [];
    await withRetries(f.fn, { ...fast, initialIntervalMs: 10_000, maxIntervalMs: 10_000 }, { cancel: never, onRetry: (r) => seen.push(r.delayMs) });
    assert.deepEqual(seen, [30]);
  });

  it('passes permanent failures through after one attempt', async () => {
    const f = failing([new PermanentSendError('400', 'http://x/v1/traces', 400, 'bad')]);
    await assert.rejects(withRetries(f.fn, fast, { cancel: never }), PermanentSendError);
    assert.equal(f.calls(), 1);
  });

  it('gives up when the next wait would pass max_elapsed_time', async () => {
    const f = failing(Array.from({ length: 10 }, () => new RetryableSendError('down')));
    let clock = 0;
    const now = () => (clock += 100); // every look at the clock: 100 ms later
    await assert.rejects(withRetries(f.fn, { ...fast, maxElapsedMs: 250 }, { cancel: never, now }), (e: unknown) => {
      assert.ok(e instanceof RetriesExhaustedError);
      assert.equal(e.attempts, 3);
      assert.match(e.message, /gave up after 3 attempts.*max_elapsed_time \(250 ms\); last error: down/);
      return true;
    });
    assert.equal(f.calls(), 3);
  });

  it('gives up at once when a Retry-After is longer than the remaining budget', async () => {
    const f = failing([new RetryableSendError('429', 60_000, 429)]);
    await assert.rejects(withRetries(f.fn, { ...fast, maxElapsedMs: 5000 }, { cancel: never }), RetriesExhaustedError);
    assert.equal(f.calls(), 1);
  });

  it('does not retry when disabled', async () => {
    const f = failing([new RetryableSendError('503')]);
    await assert.rejects(withRetries(f.fn, { ...fast, enabled: false }, { cancel: never }), /retry_on_failure is disabled; 503/);
    assert.equal(f.calls(), 1);
  });

  it('an abort ends a long wait at once', async () => {
    const ac = new AbortController();
    const f = failing([new RetryableSendError('503', 60_000, 503)]);
    const t0 = Date.now();
    const run = withRetries(f.fn, fast, { cancel: ac.signal, onRetry: () => setImmediate(() => ac.abort()) });
    await assert.rejects(run, ShutdownAbortError);
    assert.ok(Date.now() - t0 < 5000);
    assert.equal(f.calls(), 1);
  });

  it('an abort during an attempt wins over the attempt error; no attempt once aborted', async () => {
    const ac = new AbortController();
    await assert.rejects(withRetries(async () => { ac.abort(); throw new Error('socket closed'); }, fast, { cancel: ac.signal }), ShutdownAbortError);
    let calls = 0;
    await assert.rejects(withRetries(async () => { calls++; return 1; }, fast, { cancel: ac.signal }), ShutdownAbortError);
    assert.equal(calls, 0);
  });
});
