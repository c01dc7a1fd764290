import assert from 'node:assert/strict';
import { DemoConfigError, loadDemoConfig } from '../../../deploy/demo-app/config';

describe('demo app config', () => {
  it('defaults follow the seed: 0.0.0.0:8000, 80 % errors, 1-5 s slow responses', () => {
    assert.deepEqual(loadDemoConfig({}), {
      host: '0.0.0.0',
      port: 8000,
      errorRate: 0.8,
      slowMinMs: 1000,
      slowMaxMs: 5000,
      dependencyFailureRate: 0.3,
      dependencyUrl: undefined,
      dependencyTimeoutMs: 2000,
      retryBaseDelayMs: 100,
      breakerFailures: 5,
      breakerOpenMs: 10000,
    });
  });

  it('reads HOST, PORT and DEMO_* overrides', () => {
    const c = loadDemoConfig({
      HOST: '127.0.0.1', PORT: '0', DEMO_ERROR_RATE: '1', DEMO_SLOW_MIN_MS: '5', DEMO_SLOW_MAX_MS: '10',
      DEMO_DEPENDENCY_URL: 'http://inventory:8080', DEMO_BREAKER_FAILURES: '2', UNRELATED: 'x',
    });
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 0);
    assert.equal(c.errorRate, 1);
    assert.deepEqual([c.slowMinMs, c.slowMaxMs], [5, 10]);
    assert.equal(c.dependencyUrl, 'http://inventory:8080');
    assert.equal(c.breakerFailures, 2);
  });

  it('lists every problem, names the variable, and catches typos in DEMO_* names', () => {
    assert.throws(
      () => loadDemoConfig({ DEMO_ERROR_RATE: '1.5', PORT: 'http', DEMO_EROR_RATE: '0.1' }),
      (err: unknown) => {
        assert.ok(err instanceof DemoConfigError);
        const lines = err.message.split('\n').slice(1).map((l) => l.trim());
        assert.ok(lines.some((l) => l.startsWith('DEMO_EROR_RATE: unknown setting (known: DEMO_ERROR_RATE,')), err.message);
        assert.ok(lines.includes('DEMO_ERROR_RATE: expected a number between 0 and 1'), err.message);
        assert.ok(lines.some((l) => l.startsWith('PORT:')), err.message);
        assert.equal(lines.length, 3);
        return true;
      },
    );
    assert.throws(() => loadDemoConfig({ DEMO_SLOW_MIN_MS: '10', DEMO_SLOW_MAX_MS: '5' }), /DEMO_SLOW_MIN_MS: must not exceed DEMO_SLOW_MAX_MS/);
  });
});
