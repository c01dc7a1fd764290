import assert from 'node:assert/strict';
import Long from 'long';
import { nanosToMillis } from '../../../agent/otlp/values';

/** The reference: exact BigInt floor division. */
function reference(v: bigint): number {
  const q = v / 1000000n;
  return Number(v < 0n && q * 1000000n !== v ? q - 1n : q);
}

describe('otlp/values nanosToMillis', () => {
  it('equals exact BigInt floor division for Longs across the 64-bit range, signed and unsigned', () => {
    let seed = 42;
    const rand32 = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const cases: bigint[] = [0n, 1n, 999_999n, 1_000_000n, 1_000_001n, 1_700_000_000_123_456_789n, 2n ** 63n - 1n, 2n ** 64n - 1n,
      4294967296n * 1_000_000n - 1n, 4294967296n * 1_000_000n, 4294967296n * 1_000_000n + 1n];
    for (let i = 0; i < 20_000; i++) cases.push((BigInt(rand32()) << 32n) | BigInt(rand32()));
    // Values a few nanoseconds around millisecond boundaries, where a rounding slip would show.
    for (let i = 0; i < 2_000; i++) {
      const ms = BigInt(rand32()) * 1_000_000n + BigInt(rand32() % 1000);
      for (const d of [-1n, 0n, 1n]) cases.push(ms * 1_000_000n + d);
    }
    for (const v of cases) {
      if (v < 0n || v >= 2n ** 64n) continue;
      const unsigned = Long.fromString(v.toString(), true);
      assert.equal(nanosToMillis(unsigned), reference(v), `unsigned ${v}`);
      if (v < 2n ** 63n) assert.equal(nanosToMillis(Long.fromString(v.toString(), false)), reference(v), `signed ${v}`);
      const negative = -v;
      if (negative >= -(2n ** 63n)) assert.equal(nanosToMillis(Long.fromString(negative.toString(), false)), reference(negative), `signed ${negative}`);
    }
  });

  it('takes numbers, decimal strings and absent values', () => {
    assert.equal(nanosToMillis(1_500_000 as never), 1);
    assert.equal(nanosToMillis('1700000000123456789' as never), 1_700_000_000_123);
    assert.equal(nanosToMillis(undefined), 0);
  });
});
