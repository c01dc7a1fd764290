import assert from 'node:assert/strict';
import {
  humanize, humanize1024, humanizeDuration, humanizePercentage, humanizeTimestamp,
} from '../../../agent/templates/humanize';

// Expected strings are Prometheus' (Go) outputs, the ones in Prometheus' template
// tests and documentation, verified against promtool (see expand.test.ts).
describe('humanize functions', () => {
  it('humanize uses SI prefixes with 4 significant digits', () => {
    assert.equal(humanize(0), '0');
    assert.equal(humanize(1234567), '1.235M');
    assert.equal(humanize(12345), '12.35k');
    assert.equal(humanize(999.9999), '1000');
    assert.equal(humanize(0.00012345), '123.4u');
    assert.equal(humanize(-1234), '-1.234k');
    assert.equal(humanize(1e27), '1000Y');
    assert.equal(humanize(Infinity), '+Inf');
    assert.equal(humanize(NaN), 'NaN');
  });
  it('humanize1024 uses binary prefixes above 1', () => {
    assert.equal(humanize1024(1048576), '1Mi');
    assert.equal(humanize1024(1.5), '1.5');
    assert.equal(humanize1024(1023), '1023');
    assert.equal(humanize1024(1536), '1.5ki');
  });
  it('humanizeDuration splits into days, hours, minutes, seconds', () => {
    assert.equal(humanizeDuration(90061.5), '1d 1h 1m 1s');
    assert.equal(humanizeDuration(3661), '1h 1m 1s');
    assert.equal(humanizeDuration(61), '1m 1s');
    assert.equal(humanizeDuration(1.5), '1.5s');
    assert.equal(humanizeDuration(0.0015), '1.5ms');
    assert.equal(humanizeDuration(0.8), '800ms');
    assert.equal(humanizeDuration(-3600), '-1h 0m 0s');
    assert.equal(humanizeDuration(0), '0s');
  });
  it('humanizePercentage scales by 100', () => {
    assert.equal(humanizePercentage(0.1234), '12.34%');
    assert.equal(humanizePercentage(1), '100%');
    assert.equal(humanizePercentage(0.09090909090909091), '9.091%');
  });
  it('humanizeTimestamp prints Go time at millisecond resolution', () => {
    assert.equal(humanizeTimestamp(1435065584.128), '2015-06-23 13:19:44.128 +0000 UTC');
    assert.equal(humanizeTimestamp(0), '1970-01-01 00:00:00 +0000 UTC');
    assert.equal(humanizeTimestamp(NaN), 'NaN');
  });
});
