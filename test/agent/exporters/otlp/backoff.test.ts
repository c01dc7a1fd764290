import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backoffDelay, baseInterval, parseRetryAfter, type BackoffSettings } from '../../../../agent/exporters/otlp/backoff';

const S: BackoffSettings = { initialIntervalMs: 1000, maxIntervalMs: 30_000, multiplier: 1.5, randomizationFactor: 0.5 };

describe('exporter backoff', () => {
  it('grows exponentially from initial_interval and is capped at max_interval', () => {
    assert.deepEqual([1, 2, 3, 4].map((a) => baseInterval(a, S)), [1000, 1500, 2250, 3375]);
    const s2 = { ...S, multiplier: 2, initialIntervalMs: 20, maxIntervalMs: 100 };
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => baseInterval(a, s2)), [20, 40, 80, 100, 100, 100]);
    assert.equal(baseInterval(1000, S), 30_000, 'no overflow for a long outage');
  });

  it('jitter stays within +-randomization_factor of the base interval', () => {
    for (let attempt = 1; attempt < 15; attempt++) {
      const base = baseInterval(attempt, S);
      assert.equal(backoffDelay(attempt, S, undefined, () => 0), Math.round(base * 0.5), 'lowest draw');
      assert.equal(backoffDelay(attempt, S, undefined, () => 0.5), Math.round(base), 'middle draw');
      assert.ok(backoffDelay(attempt, S, undefined, () => 0.999999) <= Math.round(base * 1.5), 'highest draw');
    }
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 100_000 }),
      fc.double({ min: 1, max: 4, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (attempt, initial, maxExtra, multiplier, factor, r) => {
        const s = { initialIntervalMs: initial, maxIntervalMs: initial + maxExtra, multiplier, randomizationFactor: factor };
        const base = baseInterval(attempt, s);
        const d = backoffDelay(attempt, s, undefined, () => r);
        return base <= s.maxIntervalMs && d >= Math.floor(base * (1 - factor)) && d <= Math.ceil(base * (1 + factor));
      },
    ), { numRuns: 300 });
  });

  it('is spread out by the default random source (not a constant)', () => {
    const draws = new Set(Array.from({ length: 50 }, () => backoffDelay(3, S)));
    assert.ok(draws.size > 10, `only ${draws.size} distinct delays`);
  });

  it('no jitter when randomization_factor is 0', () => {
    assert.equal(backoffDelay(3, { ...S, randomizationFactor: 0 }), 2250);
  });

  it('an upstream Retry-After replaces the computed delay, beyond max_interval too', () => {
    assert.equal(backoffDelay(1, S, 7000), 7000);
    assert.equal(backoffDelay(9, S, 0), 0);
    assert.equal(backoffDelay(1, S, 120_000), 120_000);
  });

  it('parses Retry-After as delay-seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(' 0 '), 0);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0, 'a date in the past: retry now');
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter('-5'), undefined);
    assert.equal(parseRetryAfter(''), undefined);
    assert.equal(parseRetryAfter(null), undefined);
  });
});
