import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backoffDelay, seedBackoff } from '../../../instrumentation/toolkit/backoff';

describe('toolkit backoff', () => {
  const seed = { baseDelayMs: 1000, maxDelayMs: 60_000, exponentialBase: 2 };

  it('without jitter: base * exponentialBase^n, capped at maxDelay (the seed defaults)', () => {
    const delays = Array.from({ length: 8 }, (_, n) => backoffDelay(n, { ...seed, jitter: false }));
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    assert.equal(backoffDelay(2, { baseDelayMs: 100, maxDelayMs: 10_000, exponentialBase: 3, jitter: false }), 900);
  });

  it('with jitter: delay * (0.5 + random * 0.5), i.e. between half and all of it', () => {
    assert.equal(backoffDelay(3, { ...seed, jitter: true, random: () => 0 }), 4000);
    assert.equal(backoffDelay(3, { ...seed, jitter: true, random: () => 0.5 }), 6000);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.integer({ min: 1, max: 120_000 }),
        (n, r, base, exponent, max) => {
          const ceiling = Math.min(base * exponent ** n, max);
          const d = backoffDelay(n, { baseDelayMs: base, maxDelayMs: max, exponentialBase: exponent, jitter: true, random: () => r });
          return d >= ceiling / 2 && d < ceiling + 1e-9 && d <= max;
        },
      ),
    );
  });

  it('spreads clients: real randomness gives different delays within the bounds', () => {
    const samples = Array.from({ length: 200 }, () => backoffDelay(2, { ...seed, jitter: true }));
    assert.ok(samples.every((d) => d >= 2000 && d < 4000));
    assert.ok(new Set(samples).size > 150, 'jittered delays are not all equal');
  });

  it('as a cockatiel backoff yields the same sequence', () => {
    let backoff = seedBackoff({ ...seed, jitter: false }).next(undefined as never);
    const seen = [backoff.duration];
    for (let i = 0; i < 3; i++) {
      backoff = backoff.next(undefined as never);
      seen.push(backoff.duration);
    }
    assert.deepEqual(seen, [1000, 2000, 4000, 8000]);
  });
});
