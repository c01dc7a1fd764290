import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfigText } from '../../../../agent/config/load';
import { repoRoot } from '../../../helpers/repo';

const dir = path.join(repoRoot, 'agent/exporters/otlp/testdata');
const load = (f: string) => parseConfigText(readFileSync(path.join(dir, f), 'utf8'), f, {});
function problems(f: string): string[] {
  try { load(f); } catch (e) { if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message}`); throw e; }
  assert.fail(`${f} should be rejected`);
}

describe('exporters.otlp config', () => {
  it('a minimal config gets the documented defaults', () => {
    const c = load('good-minimal.yaml').exporters.otlp!;
    assert.deepEqual({ encoding: c.encoding, compression: c.compression, timeout: c.timeout, queue: c.sending_queue.queue_size }, { encoding: 'proto', compression: 'gzip', timeout: 10_000, queue: 1000 });
    assert.deepEqual(c.retry_on_failure, { enabled: true, initial_interval: 1000, max_interval: 30_000, max_elapsed_time: 300_000, multiplier: 1.5, randomization_factor: 0.5 });
  });
  it('every key can be set', () => {
    const c = load('good-full.yaml').exporters.otlp!;
    assert.equal(c.encoding, 'json');
    assert.equal(c.batch.timeout, 1000);
    assert.equal(c.retry_on_failure.max_elapsed_time, 120_000);
    assert.equal(c.headers['x-scope-orgid'], 'team-a');
  });
  it('a typo is named with a suggestion', () => {
    assert.deepEqual(problems('bad-typo.yaml').map((p) => p.split(' (')[0]), ['exporters.otlp.compresion: unknown key']);
  });
  it('bad values are each named by key', () => {
    const keys = problems('bad-values.yaml').map((p) => p.split(':')[0]).sort();
    assert.deepEqual(keys, ['exporters.otlp.encoding', 'exporters.otlp.endpoint', 'exporters.otlp.retry_on_failure.randomization_factor', 'exporters.otlp.timeout']);
  });
});
