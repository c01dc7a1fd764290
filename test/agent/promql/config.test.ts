import assert from 'node:assert/strict';
import { configSchema } from '../../../agent/config/schema';
import { queryConfigSchema } from '../../../agent/promql/config';

describe('query: config', () => {
  it('has sidecar defaults', () => {
    assert.deepEqual(queryConfigSchema.parse({}), { timeout: 30_000, max_concurrency: 4, max_queued: 16, max_samples: 5_000_000 });
    assert.deepEqual(configSchema.parse({}).query, { timeout: 30_000, max_concurrency: 4, max_queued: 16, max_samples: 5_000_000 });
  });

  it('takes durations and refuses bad values and unknown keys, naming the key', () => {
    assert.equal(configSchema.parse({ query: { timeout: '2m' } }).query.timeout, 120_000);
    for (const [query, path] of [
      [{ max_concurrency: 0 }, 'query.max_concurrency'],
      [{ timeout: '0s' }, 'query.timeout'],
      [{ max_samples: 1.5 }, 'query.max_samples'],
      [{ max_queued: -1 }, 'query.max_queued'],
    ] as const) {
      const r = configSchema.safeParse({ query });
      assert.equal(r.success, false);
      assert.equal(r.error!.issues[0].path.join('.'), path);
    }
    assert.equal(configSchema.safeParse({ query: { max_concurency: 2 } }).success, false);
  });
});
