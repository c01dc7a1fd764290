import assert from 'node:assert/strict';
import { testdataConfigs } from '../../../helpers/config-testdata';

const { load, problems } = testdataConfigs('agent/exporters/prometheusremotewrite/testdata', { RW_TOKEN: 'tok' });
const base = 'exporters.prometheusremotewrite';

describe('exporters.prometheusremotewrite config', () => {
  it('a minimal config gets the documented defaults', () => {
    assert.deepEqual(load('good-minimal.yaml').exporters.prometheusremotewrite, {
      endpoint: 'http://mimir:9009/api/v1/push',
      headers: {},
      timeout: 30_000,
      external_labels: {},
      write_relabel_configs: [],
      sending_queue: { storage: 'disk', max_bytes: 256 * 1024 * 1024, sync_interval: 1000 },
      batch: { max_samples_per_send: 2000, timeout: 1000, max_pending_samples: 500_000 },
      retry_on_failure: { initial_interval: 30, max_interval: 5000, multiplier: 2 },
    });
  });

  it('every key can be set (good-full.yaml)', () => {
    const c = load('good-full.yaml').exporters.prometheusremotewrite!;
    assert.deepEqual(c.headers, { 'x-scope-orgid': 'team-a', authorization: 'Bearer tok' });
    assert.deepEqual(c.external_labels, { cluster: 'eu-1', replica: 'a' });
    assert.equal(c.write_relabel_configs[0].action, 'drop');
    assert.deepEqual(c.sending_queue, { storage: 'memory', max_bytes: 1_048_576, sync_interval: 0 });
    assert.deepEqual(c.batch, { max_samples_per_send: 500, timeout: 5000, max_pending_samples: 10_000 });
    assert.deepEqual(c.retry_on_failure, { initial_interval: 100, max_interval: 30_000, multiplier: 1.5 });
    assert.equal(c.timeout, 10_000);
  });

  it('bad configs name every problem with its path', () => {
    assert.deepEqual(problems('bad-values.yaml'), [
      `${base}.endpoint: expected an http:// or https:// URL`,
      `${base}.external_labels.bad-name: Invalid key in record`,
      `${base}.sending_queue.storage: Invalid option: expected one of "disk"|"memory"`,
      `${base}.retry_on_failure.max_interval: max_interval must be at least initial_interval`,
    ]);
    assert.match(problems('bad-typo.yaml')[0], /^exporters\.prometheusremotewrite\.extrnal_labels: unknown key \(did you mean "external_labels"\?\)/);
  });
});
