import assert from 'node:assert/strict';
import {
  BREAKER_STATE_METRIC, BREAKER_TRANSITIONS_METRIC, createCircuitBreaker, type LookoutCircuitBreaker,
} from '../../../instrumentation/toolkit/circuit-breaker';
import { ConfigurationError, ServiceUnavailableError } from '../../../instrumentation/toolkit/errors';
import { waitFor } from '../../helpers/wait';
import { installTestTelemetry, type TestTelemetry } from './telemetry-harness';

const fail = (err: Error = new ServiceUnavailableError('down')) => async () => {
  throw err;
};

describe('toolkit circuit breaker', () => {
  let telemetry: TestTelemetry;
  let breaker: LookoutCircuitBreaker | undefined;
  beforeEach(() => (telemetry = installTestTelemetry()));
  afterEach(async () => {
    breaker?.dispose();
    breaker = undefined;
    await telemetry.uninstall();
  });

  async function stateGauge(name: string): Promise<Record<string, number>> {
    await telemetry.collect();
    return Object.fromEntries(
      telemetry.points(BREAKER_STATE_METRIC).filter((p) => p.attributes.breaker === name).map((p) => [p.attributes.state, p.value]),
    );
  }

  it('opens after N consecutive failures, then rejects at once without calling the dependency', async () => {
    breaker = createCircuitBreaker('inventory', { consecutiveFailures: 3, halfOpenAfterMs: 60_000 });
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(await stateGauge('inventory'), { closed: 1, open: 0, half_open: 0, isolated: 0 });
    for (let i = 0; i < 3; i++) await assert.rejects(breaker.execute(fail()), /down/);
    assert.equal(breaker.state, 'open');
    let called = false;
    await assert.rejects(
      breaker.execute(async () => {
        called = true;
      }),
      (err: Error) => {
        assert.ok(err instanceof ServiceUnavailableError);
        assert.match(err.message, /circuit breaker "inventory" is open/);
        assert.deepEqual(err.details, { breaker: 'inventory', state: 'open', half_open_after_ms: 60_000 });
        return true;
      },
    );
    assert.equal(called, false);
    assert.deepEqual(await stateGauge('inventory'), { closed: 0, open: 1, half_open: 0, isolated: 0 });
  });

  it('a success in between resets the consecutive count', async () => {
    breaker = createCircuitBreaker('reset', { consecutiveFailures: 2 });
    await assert.rejects(breaker.execute(fail()));
    assert.equal(await breaker.execute(async () => 1), 1);
    await assert.rejects(breaker.execute(fail()));
    assert.equal(breaker.state, 'closed');
  });

  it('half-opens after halfOpenAfterMs: one success closes it, one failure opens it again', async () => {
    breaker = createCircuitBreaker('payments', { consecutiveFailures: 1, halfOpenAfterMs: 50 });
    await assert.rejects(breaker.execute(fail()));
    const openedAt = Date.now();
    assert.equal(breaker.state, 'open');
    await waitFor(() => Date.now() - openedAt > 60, { what: 'half-open delay' });
    // The trial call runs while half-open, and fails: open again.
    let stateDuringTrial = '';
    await assert.rejects(
      breaker.execute(async () => {
        await Promise.resolve(); // cockatiel marks half-open right after starting the trial call
        stateDuringTrial = breaker!.state;
        throw new ServiceUnavailableError('still down');
      }),
      /still down/,
    );
    assert.equal(stateDuringTrial, 'half_open');
    assert.equal(breaker.state, 'open');
    const reopenedAt = Date.now();
    await waitFor(() => Date.now() - reopenedAt > 60, { what: 'half-open delay' });
    assert.equal(await breaker.execute(async () => 'recovered'), 'recovered');
    assert.equal(breaker.state, 'closed');
    await telemetry.collect();
    const transitions = Object.fromEntries(
      telemetry.points(BREAKER_TRANSITIONS_METRIC).filter((p) => p.attributes.breaker === 'payments').map((p) => [p.attributes.state, p.value]),
    );
    assert.deepEqual(transitions, { open: 2, half_open: 2, closed: 1 });
  });

  it('only errors matching breakOn count against the dependency', async () => {
    breaker = createCircuitBreaker('config', { consecutiveFailures: 1, breakOn: [ServiceUnavailableError] });
    await assert.rejects(breaker.execute(fail(new ConfigurationError('caller bug'))), ConfigurationError);
    assert.equal(breaker.state, 'closed');
  });

  it('isolate() holds it open until disposed', async () => {
    breaker = createCircuitBreaker('maint');
    const handle = breaker.isolate();
    assert.equal(breaker.state, 'isolated');
    await assert.rejects(breaker.execute(async () => 1), ServiceUnavailableError);
    assert.deepEqual(await stateGauge('maint'), { closed: 0, open: 0, half_open: 0, isolated: 1 });
    handle.dispose();
    assert.equal(breaker.state, 'closed');
  });
});
