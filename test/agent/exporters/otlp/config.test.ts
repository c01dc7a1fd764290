import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../../helpers/repo';
import { testdataConfigs } from '../../../helpers/config-testdata';

const dir = path.join(repoRoot, 'agent/exporters/otlp/testdata');
const env = { UPSTREAM_TOKEN: 's3cret' };
const { load, problems } = testdataConfigs('agent/exporters/otlp/testdata', env);

describe('exporters.otlp config', () => {
  it('a minimal config gets the documented defaults', () => {
    const c = load('good-minimal.yaml').exporters.otlp!;
    assert.deepEqual(c, {
      endpoint: 'http://otel-collector:4318',
      encoding: 'proto',
      headers: {},
      compression: 'gzip',
      compression_params: { level: 1 },
      timeout: 10_000,
      sending_queue: { storage: 'disk', max_bytes: 256 * 1024 * 1024, max_age: 0, sync_interval: 1000, sizer: 'items', queue_size: 20_000, num_consumers: 1 },
      batch: { send_batch_size: 8192, send_batch_max_size: 0, timeout: 200 },
      retry_on_failure: { enabled: true, initial_interval: 1000, max_interval: 30_000, max_elapsed_time: 300_000, multiplier: 1.5, randomization_factor: 0.5 },
    });
  });

  it('every key can be set (good-full.yaml sets each away from its default)', () => {
    const c = load('good-full.yaml').exporters.otlp!;
    assert.deepEqual(c, {
      endpoint: 'https://gateway.example:4318/',
      encoding: 'json',
      headers: { 'x-scope-orgid': 'team-a', authorization: 'Bearer s3cret' },
      compression: 'none',
      compression_params: { level: 6 },
      timeout: 5000,
      sending_queue: { storage: 'memory', max_bytes: 64 * 1024 * 1024, max_age: 3_600_000, sync_interval: 0, sizer: 'requests', queue_size: 200, num_consumers: 2 },
      batch: { send_batch_size: 1024, send_batch_max_size: 2048, timeout: 1000 },
      retry_on_failure: { enabled: true, initial_interval: 500, max_interval: 10_000, max_elapsed_time: 120_000, multiplier: 2, randomization_factor: 0.2 },
    });
  });

  it('a typo is named, with a suggestion', () => {
    assert.deepEqual(problems('bad-typo.yaml'), [
      'exporters.otlp.compresion: unknown key (did you mean "compression"?); allowed here: endpoint, encoding, headers, compression, compression_params, timeout, sending_queue, batch, retry_on_failure',
    ]);
  });

  it('typos in nested sections are named with their full path', () => {
    const p = problems('bad-typo-nested.yaml');
    assert.equal(p.length, 2);
    assert.match(p[0], /^exporters\.otlp\.sending_queue\.num_consumer: unknown key \(did you mean "num_consumers"\?\)/);
    assert.match(p[1], /^exporters\.otlp\.retry_on_failure\.max_elapsed: unknown key/);
  });

  it('bad values are each named by key, all at once', () => {
    const keys = problems('bad-values.yaml').map((p) => p.split(':')[0]).sort();
    assert.deepEqual(keys, [
      'exporters.otlp.encoding',
      'exporters.otlp.endpoint',
      'exporters.otlp.retry_on_failure.randomization_factor',
      'exporters.otlp.sending_queue.num_consumers',
      'exporters.otlp.sending_queue.sizer',
      'exporters.otlp.timeout',
    ]);
  });

  it('send_batch_max_size below send_batch_size is refused', () => {
    assert.deepEqual(problems('bad-batch-sizes.yaml'), ['exporters.otlp.batch.send_batch_max_size: send_batch_max_size must be 0 (no limit) or at least send_batch_size']);
  });

  it('a zero initial_interval is refused (it would retry in a tight loop)', () => {
    assert.deepEqual(problems('bad-retry-intervals.yaml'), ['exporters.otlp.retry_on_failure.initial_interval: initial_interval must be positive (0 would retry in a tight loop)']);
  });

  it('every testdata file is covered by this test', () => {
    const covered = ['good-minimal.yaml', 'good-full.yaml', 'bad-typo.yaml', 'bad-typo-nested.yaml', 'bad-values.yaml', 'bad-batch-sizes.yaml', 'bad-retry-intervals.yaml'];
    assert.deepEqual(readdirSync(dir).sort(), covered.sort());
  });
});
