import assert from 'node:assert/strict';
import { ConfigError, parseConfigText } from '../../../../agent/config/load';

function problems(yaml: string): string[] {
  try {
    parseConfigText(yaml, 'wal.yaml', {});
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('should not load');
}

describe('store.wal config', () => {
  it('names bad values with their full path', () => {
    assert.deepEqual(problems('store:\n  wal:\n    flush_interval: 1ms\n    checkpoint_interval: 10ms\n    max_buffer_bytes: 10\n'), [
      'store.wal.flush_interval: must be between 10ms and 1m',
      'store.wal.checkpoint_interval: must be at least 1s',
      'store.wal.max_buffer_bytes: Too small: expected number to be >=65536',
    ]);
  });

  it('rejects unknown keys', () => {
    const p = problems('store:\n  wal:\n    enable: true\n');
    assert.equal(p.length, 1);
    assert.match(p[0], /^store\.wal\.enable: unknown key/);
  });
});
