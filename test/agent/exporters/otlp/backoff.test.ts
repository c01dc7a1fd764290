import assert from 'node:assert/strict';
import { backoffDelay, baseInterval, parseRetryAfter, type BackoffSettings } from '../../../../agent/exporters/otlp/backoff';

const S: BackoffSettings = { initialIntervalMs: 1000, maxIntervalMs: 30_000, multiplier: 1.5, randomizationFactor: 0.5 };

describe('exporter backoff', () => {
  it('grows exponentially and is capped at max_interval', () => {
    assert.deepEqual([1, 2, 3, 4].map((a) => baseInterval(a, S)), [1000, 1500, 2250, 3375]);
    assert.equal(baseInterval(50, S), 30_000);
  });

  it('jitter stays within +-randomization_factor of the base interval', () => {
    for (let attempt = 1; attempt < 15; attempt++) {
      const base = baseInterval(attempt, S);
      assert.equal(backoffDelay(attempt, S, undefined, () => 0), Math.round(base * 0.5));
      assert.equal(backoffDelay(attempt, S, undefined, () => 0.999999), Math.round(base * 1.5 - 0.000001 * base));
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt, S);
        assert.ok(d >= base * 0.5 - 1 && d <= base * 1.5 + 1, `${d} outside [${base * 0.5}, ${base * 1.5}]`);
      }
    }
  });

  it('no jitter when randomization_factor is 0', () => {
    assert.equal(backoffDelay(3, { ...S, randomizationFactor: 0 }), 2250);
  });

  it('Retry-After wins over the computed delay', () => {
    assert.equal(backoffDelay(1, S, 7000), 7000);
    assert.equal(backoffDelay(9, S, 0), 0);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(null), undefined);
  });
});
