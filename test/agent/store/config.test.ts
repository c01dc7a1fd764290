/**
 * store configuration: every file in agent/store/testdata is wrapped into a
 * full agent config (`store: ...`) and run through the real loader.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfigText } from '../../../agent/config/load';
import { repoRoot } from '../../helpers/repo';

const TESTDATA = path.join(repoRoot, 'agent/store/testdata');

function load(file: string) {
  const section = readFileSync(path.join(TESTDATA, file), 'utf8');
  const indented = section.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
  return parseConfigText(`store:\n${indented}\n`, file, {});
}

function problemsOf(file: string): string[] {
  try {
    load(file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `${file}: ${String(err)}`);
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail(`${file} should not load`);
}

const WAL_DEFAULTS = { enabled: true, flush_interval: 200, checkpoint_interval: 300_000, fsync: false, max_buffer_bytes: 64 << 20 };

describe('store config', () => {
  it('testdata holds good and bad files, and the test covers each', () => {
    assert.deepEqual(readdirSync(TESTDATA).filter((f) => f.endsWith('.yaml')).sort(), [
      'bad-negative.yaml', 'bad-reserved.yaml', 'bad-typo.yaml', 'bad-values.yaml', 'defaults.yaml', 'full.yaml',
    ]);
  });

  it('defaults.yaml: 1h retention, 100 000 series, 5m lookback, compaction every minute', () => {
    assert.deepEqual(load('defaults.yaml').store, { retention: 3600_000, max_series: 100_000, lookback_delta: 300_000, compaction_interval: 60_000, label_limit: 64, label_name_length_limit: 256, label_value_length_limit: 2048, max_label_bytes: 64 * 1024 * 1024, max_future: 600_000, max_new_series_per_request: 10_000, wal: WAL_DEFAULTS });
  });

  it('a config without a store section gets the same defaults', () => {
    assert.deepEqual(parseConfigText('{}', 'empty.yaml', {}).store, { retention: 3600_000, max_series: 100_000, lookback_delta: 300_000, compaction_interval: 60_000, label_limit: 64, label_name_length_limit: 256, label_value_length_limit: 2048, max_label_bytes: 64 * 1024 * 1024, max_future: 600_000, max_new_series_per_request: 10_000, wal: WAL_DEFAULTS });
  });

  it('full.yaml: every key is read', () => {
    assert.deepEqual(load('full.yaml').store, {
      retention: 9000_000, max_series: 250_000, lookback_delta: 120_000, compaction_interval: 30_000, reserved_series: 50_000,
      label_limit: 40, label_name_length_limit: 128, label_value_length_limit: 1024, max_label_bytes: 1_000_000, max_future: 300_000,
      max_new_series_per_request: 5000,
      wal: { enabled: false, flush_interval: 1000, checkpoint_interval: 600_000, fsync: true, max_buffer_bytes: 1 << 20 },
    });
  });

  it('bad-reserved.yaml: reserved_series must be below max_series', () => {
    assert.deepEqual(problemsOf('bad-reserved.yaml'), ['store.reserved_series: must be less than max_series (1000)']);
  });

  it('bad-typo.yaml: an unknown key is an error naming it', () => {
    const problems = problemsOf('bad-typo.yaml');
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /^store\.max_serie: unknown key \(did you mean "max_series"\?\)/);
  });

  it('bad-values.yaml: each invalid value is reported at its key', () => {
    const problems = problemsOf('bad-values.yaml');
    for (const key of ['retention', 'max_series', 'lookback_delta', 'compaction_interval']) {
      assert.ok(problems.some((p) => p.startsWith(`store.${key}:`)), `no problem for ${key} in:\n${problems.join('\n')}`);
    }
  });

  it('bad-negative.yaml: limits must be positive', () => {
    const problems = problemsOf('bad-negative.yaml');
    assert.ok(problems.some((p) => p.startsWith('store.max_series:')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('store.retention:') && /greater than 0/.test(p)), problems.join('\n'));
  });
});
