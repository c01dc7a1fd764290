import assert from 'node:assert/strict';
import pino from 'pino';
import { BrokenCircuitError } from 'cockatiel';
import { Delivery } from '../../../agent/notify/delivery';
import { HttpError, type Integration } from '../../../agent/notify/integration';
import { createNotifyTelemetry } from '../../../agent/notify/telemetry';
import type { NotificationMessage } from '../../../agent/notify/message';
import { counterValue, testHost, type TestHost } from '../../helpers/test-host';

const msg: NotificationMessage = { receiver: 'r', status: 'firing', alerts: [], groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: '', groupKey: 'k' };

class Scripted implements Integration {
  readonly name = 'webhook' as const;
  readonly index = 0;
  readonly sendResolved = true;
  calls = 0;
  constructor(private readonly behave: (n: number, signal: AbortSignal) => Promise<void>) {}
  notify(_m: NotificationMessage, signal: AbortSignal): Promise<void> { return this.behave(this.calls++, signal); }
}

describe('Delivery (retry, timeout, circuit breaker, metrics)', () => {
  let host: TestHost;
  beforeEach(() => { host = testHost(); });
  afterEach(() => host.cleanup());
  const make = (i: Integration, over: Partial<ConstructorParameters<typeof Delivery>[2]> = {}) => new Delivery('r', i, {
    timeoutMs: 1000, maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, breakerThreshold: 100, halfOpenAfterMs: 60_000, ...over,
  }, createNotifyTelemetry(host.meter), pino({ level: 'silent' }));

  it('retries retryable failures with backoff until success', async () => {
    const i = new Scripted(async (n) => { if (n < 2) throw new HttpError('http://x/', 503, 'busy'); });
    await make(i).deliver(msg, new AbortController().signal);
    assert.equal(i.calls, 3);
    assert.equal(await counterValue(host, 'lookout_notifications_total', { integration: 'webhook', receiver: 'r' }), 3);
    assert.equal(await counterValue(host, 'lookout_notifications_failed_total', { integration: 'webhook', receiver: 'r' }), 2);
    assert.equal(await counterValue(host, 'lookout_notification_latency_seconds', { integration: 'webhook', receiver: 'r' }), 3);
  });

  it('times out a hanging attempt', async () => {
    const i = new Scripted((_n, signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))));
    const t0 = performance.now();
    await assert.rejects(make(i, { timeoutMs: 50, maxAttempts: 2 }).deliver(msg, new AbortController().signal));
    assert.equal(i.calls, 2);
    assert.ok(performance.now() - t0 < 5000);
  });

  it('opens the breaker after consecutive failures: later calls fail fast without reaching the endpoint', async () => {
    const i = new Scripted(async () => { throw new Error('connection refused'); });
    const d = make(i, { maxAttempts: 1, breakerThreshold: 2 });
    await assert.rejects(d.deliver(msg, new AbortController().signal), /connection refused/);
    await assert.rejects(d.deliver(msg, new AbortController().signal), /connection refused/);
    await assert.rejects(d.deliver(msg, new AbortController().signal), (err) => err instanceof BrokenCircuitError);
    assert.equal(i.calls, 2);
  });
});
