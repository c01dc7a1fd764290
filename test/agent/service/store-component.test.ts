import assert from 'node:assert/strict';
import { StoreComponent } from '../../../agent/service/store-component';
import { storeConfigSchema } from '../../../agent/store/config';
import { capturingLogger, testHost } from '../../helpers/test-host';
import { waitFor } from '../../helpers/wait';

describe('service/store-component', () => {
  it('shuts down idempotently, also before start', async () => {
    const c = new StoreComponent(storeConfigSchema.parse({}));
    await c.shutdown();
    await c.shutdown();
  });

  it('wires the engine to the store with the configured lookback', async () => {
    const c = new StoreComponent(storeConfigSchema.parse({ lookback_delta: '1m' }));
    c.store.append({ __name__: 'x' }, 0, 7);
    assert.deepEqual(c.engine.instantQuery('x', 60_000), { resultType: 'vector', result: [{ metric: { __name__: 'x' }, t: 60_000, value: 7 }] });
    assert.deepEqual(c.engine.instantQuery('x', 60_001), { resultType: 'vector', result: [] });
  });

  it('compacts on its interval, publishes self-metrics and logs refusals through the host logger', async () => {
    let clock = 0;
    const sources: (() => string | Promise<string> | AsyncIterable<string>)[] = [];
    const lines: Record<string, unknown>[] = [];
    const host = testHost({ registerMetricsSource: (s) => { sources.push(s); }, logger: capturingLogger(lines) });
    const c = new StoreComponent(storeConfigSchema.parse({ retention: '1m', compaction_interval: '1s', max_series: 1 }), { now: () => clock });
    try {
      await c.start(host);
      c.store.append({ __name__: 'old' }, 0, 1);
      assert.equal(c.store.append({ __name__: 'refused' }, 0, 1), false);
      clock = 10 * 60_000;
      await waitFor(() => c.store.seriesCount === 0, { timeoutMs: 10_000, what: 'the compaction timer to drop the old series' });
      assert.equal(sources.length, 1);
      const text = await sources[0]() as string;
      assert.match(text, /^lookout_store_series 0$/m);
      assert.match(text, /^lookout_store_refused_samples_total\{reason="series_limit"\} 1$/m);
      assert.match(text, /^lookout_store_dropped_series_total 1$/m);
      assert.match(text, /^lookout_store_compactions_total [1-9]\d*$/m);
      assert.ok(lines.some((l) => l.level === 40 && /series limit reached/.test(String(l.msg))), JSON.stringify(lines));
    } finally {
      await c.shutdown();
      await host.cleanup();
    }
  });
});
