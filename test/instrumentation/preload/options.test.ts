import assert from 'node:assert/strict';
import { readPreloadOptions } from '../../../instrumentation/preload/options';

describe('preload options', () => {
  it('defaults: console capture off, 2 s exit flush, one diagnostic line per minute, SDK on', () => {
    const warnings: string[] = [];
    assert.deepEqual(readPreloadOptions({}, (w) => warnings.push(w)), {
      captureConsole: false,
      exitFlushTimeoutMs: 2000,
      diagIntervalMs: 60000,
      sdkDisabled: false,
    });
    assert.deepEqual(warnings, []);
  });

  it('reads LOOKOUT_* and OTEL_SDK_DISABLED (case-insensitive booleans)', () => {
    const options = readPreloadOptions(
      { LOOKOUT_CAPTURE_CONSOLE: 'TRUE', LOOKOUT_EXIT_FLUSH_TIMEOUT_MS: '500', LOOKOUT_DIAG_INTERVAL_MS: '1000', OTEL_SDK_DISABLED: 'true' },
      () => assert.fail('no warning expected'),
    );
    assert.deepEqual(options, { captureConsole: true, exitFlushTimeoutMs: 500, diagIntervalMs: 1000, sdkDisabled: true });
  });

  it('falls back to the default with a warning naming the variable on a bad value (never throws)', () => {
    const warnings: string[] = [];
    const options = readPreloadOptions({ LOOKOUT_CAPTURE_CONSOLE: 'yes', LOOKOUT_EXIT_FLUSH_TIMEOUT_MS: '-1' }, (w) => warnings.push(w));
    assert.equal(options.captureConsole, false);
    assert.equal(options.exitFlushTimeoutMs, 2000);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /^LOOKOUT_CAPTURE_CONSOLE="yes" is not true or false; using false$/);
    assert.match(warnings[1], /^LOOKOUT_EXIT_FLUSH_TIMEOUT_MS="-1" is not a number of milliseconds >= 0; using 2000$/);
  });
});
