import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../../agent/config/duration';

describe('Prometheus durations', () => {
  it('parses compound durations', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('15s'), 15_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('2d'), 172_800_000);
    assert.equal(parseDuration('1w'), 604_800_000);
    assert.equal(parseDuration('0'), 0);
  });
  it('rejects malformed text with the input in the message', () => {
    assert.throws(() => parseDuration('10'), /"10"/);
    assert.throws(() => parseDuration('1m1h'), /largest to smallest/);
    assert.throws(() => parseDuration('1.5s'), /not a valid duration/);
  });
  it('formats like Prometheus', () => {
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(1500), '1s500ms');
  });
});
