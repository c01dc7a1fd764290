/**
 * The memory_limiter processor: the receiver's MemoryLimiter as a pipeline
 * step; refuses (retryable) while over the soft limit, passes on otherwise.
 */
import assert from 'node:assert/strict';
import { RetryableError } from '../../../../agent/component/component';
import { MemoryLimiterProcessor } from '../../../../agent/processors/memorylimiter';
import { memoryLimiterSchema } from '../../../../agent/receivers/otlp/config';
import { RecordingConsumer, testHost, counterValue } from '../../../helpers/test-host';

const MIB = 1024 * 1024;

describe('memory_limiter processor', () => {
  it('refuses while RSS is over limit_mib - spike_limit_mib, counts the refused items, accepts again below', async () => {
    let rss = 10 * MIB;
    const next = new RecordingConsumer();
    const host = testHost();
    const p = new MemoryLimiterProcessor('memory_limiter', memoryLimiterSchema.parse({ limit_mib: 100, spike_limit_mib: 20, check_interval: '1h', heap_limit_percentage: 0 }), next,
      { measure: () => ({ rss, heapUsed: 0, heapLimit: 1 }) });
    await p.start(host);
    const data = { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'a' }, { name: 'b' }] }] }] } as never;
    await p.consume('traces', data);
    assert.equal(next.received.length, 1);
    rss = 90 * MIB;
    p.limiter.check();
    await assert.rejects(p.consume('traces', data), (err: Error) => err instanceof RetryableError && /over its memory limit \(RSS 90 MiB over the soft limit 80 MiB\)/.test(err.message));
    assert.equal(next.received.length, 1);
    assert.equal(await counterValue(host, 'lookout_processor_memory_limiter_refused_items_total', { processor: 'memory_limiter' }), 2);
    rss = 50 * MIB;
    p.limiter.check();
    await p.consume('traces', data);
    assert.equal(next.received.length, 2);
    assert.equal(p.neverRefuses, false, 'offered with the consumers that may refuse');
    await p.shutdown();
    await host.cleanup();
  });
});
