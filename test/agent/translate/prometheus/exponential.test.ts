import assert from 'node:assert/strict';
import {
  expBoundary, expHistogramFromPoint, expToClassicBuckets, mergeExp,
} from '../../../../agent/translate/prometheus/exponential';

describe('translate/prometheus exponential histograms', () => {
  it('uses base 2^(2^-scale) for bucket boundaries', () => {
    assert.equal(expBoundary(3, 0), 8);
    assert.equal(expBoundary(1, -1), 4);
    assert.ok(Math.abs(expBoundary(1, 1) - Math.SQRT2) < 1e-15);
  });

  it('maps negative, zero and positive buckets to ascending cumulative le buckets', () => {
    // scale 0: positive index 0 = (1,2], 1 = (2,4]; negative index 1 = [-4,-2)
    const h = expHistogramFromPoint({
      scale: 0, count: 7, sum: 3, zeroCount: 1, zeroThreshold: 0,
      positive: { offset: 0, bucketCounts: [2, 3] }, negative: { offset: 1, bucketCounts: [1] },
    });
    assert.deepEqual(expToClassicBuckets(h), [
      { le: -2, count: 1 }, { le: 0, count: 2 }, { le: 2, count: 4 }, { le: 4, count: 7 }, { le: Infinity, count: 7 },
    ]);
  });

  it('merges points of different scales at the coarser scale', () => {
    const fine = expHistogramFromPoint({ scale: 1, count: 4, sum: 10, positive: { offset: 0, bucketCounts: [1, 1, 1, 1] } });
    const coarse = expHistogramFromPoint({ scale: 0, count: 1, sum: 3, positive: { offset: 1, bucketCounts: [1] } });
    const m = mergeExp(fine, coarse);
    assert.equal(m.scale, 0);
    // scale-1 indexes 0,1 -> 0 and 2,3 -> 1; plus the coarse point's index 1.
    assert.deepEqual([...m.positive.entries()].sort(), [[0, 2], [1, 3]]);
    assert.equal(m.count, 5);
    assert.equal(m.sum, 13);
  });
});
