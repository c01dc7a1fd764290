import assert from 'node:assert/strict';
import { parseGoDurationNanos } from '../../../../agent/connectors/spanmetrics/buckets';

describe('spanmetrics bucket durations (Go notation)', () => {
  it('parses the units and fractions the Collector accepts, exactly in nanoseconds', () => {
    assert.equal(parseGoDurationNanos('100us'), 100_000);
    assert.equal(parseGoDurationNanos('100µs'), 100_000);
    assert.equal(parseGoDurationNanos('1400ms'), 1_400_000_000);
    assert.equal(parseGoDurationNanos('1.5s'), 1_500_000_000);
    assert.equal(parseGoDurationNanos('1m30s'), 90e9);
    assert.equal(parseGoDurationNanos('2h'), 7200e9);
    assert.equal(parseGoDurationNanos('0'), 0);
    assert.equal(1_400_000_000 / 1e9, 1.4, 'whole nanoseconds divide to the short decimal');
  });

  it('rejects what is not a duration', () => {
    assert.throws(() => parseGoDurationNanos('5'), /not a valid duration: "5"/);
    assert.throws(() => parseGoDurationNanos('1d'), /not a valid duration/);
    assert.throws(() => parseGoDurationNanos(''), /empty duration/);
  });
});
