import assert from 'node:assert/strict';
import { formatAgo, formatBytes, formatCompact, formatDuration, formatNumber, formatSeries, formatTime, parseDuration } from '../../../agent/ui/lib/format';

describe('ui/format', () => {
  it('formats numbers with grouping, precision and Prometheus specials', () => {
    assert.equal(formatNumber(1234567), '1,234,567');
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(0.123456), '0.1235');
    assert.equal(formatNumber(0.00001234), '1.234e-5');
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(Infinity), '+Inf');
    assert.equal(formatNumber(-Infinity), '-Inf');
  });

  it('compacts large and small values for axes and cards', () => {
    assert.equal(formatCompact(1234), '1.23k');
    assert.equal(formatCompact(2_500_000), '2.5M');
    assert.equal(formatCompact(5), '5');
    assert.equal(formatCompact(0.25), '0.25');
    assert.equal(formatCompact(0.0001), '1.00e-4');
  });

  it('formats bytes in binary units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(80.3 * 1024 * 1024), '80.3 MiB');
  });

  it('formats durations at a precision that suits their size', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(0.00085), '850µs');
    assert.equal(formatDuration(0.0123), '12.3ms');
    assert.equal(formatDuration(4.2), '4.2s');
    assert.equal(formatDuration(200), '3m 20s');
    assert.equal(formatDuration(7500), '2h 5m');
    assert.equal(formatDuration(3 * 86400 + 4 * 3600 + 59), '3d 4h');
    assert.equal(formatDuration(3600), '1h');
  });

  it('says how long ago or how far ahead', () => {
    assert.equal(formatAgo(1000, 13_000), '12s ago');
    assert.equal(formatAgo(400_000, 100_000), 'in 5m');
    assert.equal(formatAgo(1000, 1500), 'just now');
    assert.equal(formatTime(Date.UTC(2026, 11, 2, 9, 30, 5, 123)), '2026-12-02T09:30:05Z');
  });

  it('parses Prometheus durations and refuses anything else with the reason', () => {
    assert.equal(parseDuration('2h'), 7200);
    assert.equal(parseDuration('1h30m'), 5400);
    assert.equal(parseDuration('1d12h'), 129600);
    assert.equal(parseDuration('500ms'), 0.5);
    assert.throws(() => parseDuration('2 hours'), /not a duration like 30m/);
    assert.throws(() => parseDuration('-1h'), /not a duration/);
    assert.throws(() => parseDuration('0s'), /longer than zero/);
  });

  it('prints a series like Prometheus, labels sorted', () => {
    assert.equal(formatSeries({ __name__: 'up', job: 'a', instance: 'b' }), 'up{instance="b", job="a"}');
    assert.equal(formatSeries({ path: 'a"b' }), '{path="a\\"b"}');
  });
});
