/**
 * expositionChunks: the same text as renderExposition, handed out in
 * bounded chunks with event-loop turns in between, so /metrics over a large
 * store (or one with huge label values) neither blocks ingestion nor builds
 * one giant string.
 */
import assert from 'node:assert/strict';
import { CHUNK_CHARS, expositionChunks, renderExposition } from '../../../agent/exposition/text-format';
import { MemoryStore } from '../../../agent/store';

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of it) out.push(c);
  return out;
}

describe('exposition streaming', function () {
  this.timeout(60_000);

  it('streams the same text as renderExposition, in bounded chunks, with event-loop turns', async () => {
    const store = new MemoryStore();
    store.setMetadata('req_seconds', { type: 'histogram', help: 'Latency.', unit: 's' });
    for (let i = 0; i < 20_000; i++) {
      for (const le of ['0.1', '1', '+Inf']) store.append({ __name__: 'req_seconds_bucket', le, route: `/r${i % 500}`, pod: `p${i}` }, 1000, i);
      store.append({ __name__: 'req_seconds_count', route: `/r${i % 500}`, pod: `p${i}` }, 1000, i);
    }
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    const chunks = await collect(expositionChunks(store, {}, 5));
    const took = performance.now() - t0;
    clearInterval(timer);
    assert.equal(chunks.join(''), renderExposition(store));
    assert.ok(chunks.length > 5, `${chunks.length} chunks`);
    for (const c of chunks) assert.ok(c.length < CHUNK_CHARS + 1000, `a chunk of ${c.length} chars`);
    assert.ok(ticks >= Math.min(20, took / 50), `a 1 ms timer ran ${ticks} times in ${took.toFixed(0)} ms`);
  });

  it('never builds one string of the body: series with 64 KB label values stay one line per chunk at most', async () => {
    // The store truncates long label values by default; this test is about the renderer.
    const store = new MemoryStore({ labelLimits: { labelValueLengthLimit: 0 }, maxLabelBytes: 0 });
    const big = 'v'.repeat(64 * 1024);
    for (let i = 0; i < 300; i++) store.append({ __name__: 'big', id: String(i), blob: big }, 1000, i);
    let total = 0;
    let n = 0;
    for await (const c of expositionChunks(store)) {
      assert.ok(c.length <= CHUNK_CHARS + big.length + 100, `a chunk of ${c.length} chars`);
      total += c.length;
      n++;
    }
    assert.ok(total > 300 * big.length);
    assert.ok(n >= Math.floor((300 * big.length) / CHUNK_CHARS), `${n} chunks`);
  });
});
