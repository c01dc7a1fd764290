import assert from 'node:assert/strict';
import { Arena, CHUNK_SAMPLES, lowerBound, MAX_MERGED_SAMPLES, MemSeries, upperBound } from '../../../agent/store/mem-series';

function filled(n: number, step = 1000, maxChunkSpanMs = 1): MemSeries {
  const s = new MemSeries(1, { __name__: 'x' }, 0, maxChunkSpanMs);
  for (let i = 0; i < n; i++) assert.equal(s.append(i * step, i), 'ok');
  return s;
}

describe('store/mem-series', () => {
  it('binary searches: lowerBound is the first >= x, upperBound the first > x', () => {
    const a = [1, 3, 3, 5];
    assert.deepEqual([0, 1, 3, 4, 6].map((x) => lowerBound(a, x)), [0, 0, 1, 3, 4]);
    assert.deepEqual([0, 1, 3, 4, 6].map((x) => upperBound(a, x)), [0, 1, 3, 3, 4]);
  });

  it('compresses the head into chunks every CHUNK_SAMPLES samples and reads across them', () => {
    const s = filled(CHUNK_SAMPLES * 3 + 5);
    assert.equal(s.chunks.length, 3);
    assert.equal(s.sampleCount, CHUNK_SAMPLES * 3 + 5);
    const w = s.window(10_000, 70_000);
    assert.deepEqual([...w.t], Array.from({ length: 61 }, (_, i) => (i + 10) * 1000));
    assert.deepEqual([...w.v], Array.from({ length: 61 }, (_, i) => i + 10));
    const all = s.window(-Infinity, Infinity);
    assert.equal(all.t.length, CHUNK_SAMPLES * 3 + 5);
    assert.equal(s.window(1e9, 2e9).t.length, 0);
  });

  it('merges older chunks up to MAX_MERGED_SAMPLES and the span limit, keeping the newest chunk small', () => {
    const merged = filled(MAX_MERGED_SAMPLES + 2 * CHUNK_SAMPLES + 1, 1000, 3600_000);
    assert.deepEqual(merged.chunks.map((c) => c.count), [MAX_MERGED_SAMPLES, CHUNK_SAMPLES, CHUNK_SAMPLES]);
    const all = merged.window(-Infinity, Infinity);
    assert.deepEqual(Array.from(all.t), Array.from({ length: MAX_MERGED_SAMPLES + 2 * CHUNK_SAMPLES + 1 }, (_, i) => i * 1000));
    assert.deepEqual(Array.from(all.v), Array.from({ length: MAX_MERGED_SAMPLES + 2 * CHUNK_SAMPLES + 1 }, (_, i) => i));
    const spanLimited = filled(CHUNK_SAMPLES * 5, 1000, 70_000);
    assert.deepEqual(spanLimited.chunks.map((c) => c.count), [CHUNK_SAMPLES * 2, CHUNK_SAMPLES, CHUNK_SAMPLES]);
  });

  it('refuses samples not newer than the newest, except an identical resend', () => {
    const s = filled(3);
    assert.equal(s.append(2000, 2), 'duplicate');
    assert.equal(s.append(2000, 99), 'out_of_order');
    assert.equal(s.append(1000, 1), 'out_of_order');
    assert.equal(s.sampleCount, 3);
    assert.equal(s.append(3000, 3), 'ok');
  });

  it('records staleness markers after the newest sample only, and windows them', () => {
    const s = filled(3);
    assert.equal(s.markStale(1500), false, 'a marker in the past is ignored');
    assert.equal(s.markStale(2500), true);
    assert.equal(s.isStale, true);
    assert.equal(s.append(2400, 9), 'out_of_order', 'nothing may land before the marker');
    assert.equal(s.append(3000, 3), 'ok');
    assert.equal(s.isStale, false);
    assert.deepEqual([...s.window(0, 10_000).staleT], [2500]);
    assert.deepEqual([...s.window(2600, 10_000).staleT], []);
  });

  it('a series without samples cannot go stale', () => {
    const s = new MemSeries(1, { a: 'b' }, 0);
    assert.equal(s.markStale(10), false);
  });

  it('hands out head windows that later appends do not disturb', () => {
    const s = filled(5);
    const w = s.window(0, 10_000);
    for (let i = 5; i < CHUNK_SAMPLES * 2; i++) s.append(i * 1000, -1);
    assert.deepEqual([...w.v], [0, 1, 2, 3, 4]);
  });

  it('drops compressed chunks and markers wholly before a cutoff', () => {
    const s = filled(CHUNK_SAMPLES * 2 + 1);
    s.markStale(CHUNK_SAMPLES * 2 * 1000 + 500);
    const dropped = s.dropBefore(CHUNK_SAMPLES * 1000 + 1);
    assert.equal(dropped, 1);
    assert.equal(s.minT, CHUNK_SAMPLES * 1000);
    assert.equal(s.staleT.length, 1);
    s.dropBefore(CHUNK_SAMPLES * 3 * 1000);
    assert.equal(s.staleT.length, 0);
  });
});

describe('store/mem-series Arena', () => {
  it('hands out disjoint views, spills into new blocks, and reuses its blocks after reset', () => {
    const a = new Arena(8, 1024);
    const x = a.reserve(5);
    const y = a.reserve(5);
    const big = a.reserve(20);
    x.fill(1);
    y.fill(2);
    big.fill(3);
    assert.deepEqual([...x], [1, 1, 1, 1, 1]);
    assert.deepEqual([...y], [2, 2, 2, 2, 2]);
    assert.notEqual(x.buffer, y.buffer, 'a block too small for the next request is left behind');
    a.reset();
    const again = a.reserve(5);
    assert.equal(again.buffer, x.buffer, 'the first block is reused after reset');
    assert.deepEqual([...again], [1, 1, 1, 1, 1], 'reused memory is not cleared: callers overwrite it');
  });
});
