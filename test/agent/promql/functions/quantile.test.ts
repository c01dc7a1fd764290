import assert from 'node:assert/strict';
import { bucketQuantile, quantile } from '../../../../agent/promql/functions/quantile';

const b = (pairs: [number, number][]) => pairs.map(([upperBound, count]) => ({ upperBound, count }));

describe('promql/functions/quantile', () => {
  it('interpolates between sorted values; out-of-range q gives infinities; NaN sorts first', () => {
    assert.equal(quantile(0.5, [3, 1, 2]), 2);
    assert.equal(quantile(0.25, [1, 2, 3, 4, 5]), 2);
    assert.equal(quantile(0.1, [0, 10]), 1);
    assert.equal(quantile(-1, [1]), -Infinity);
    assert.equal(quantile(2, [1]), Infinity);
    assert.ok(Number.isNaN(quantile(0.5, [])));
    assert.ok(Number.isNaN(quantile(NaN, [1])));
    assert.ok(Number.isNaN(quantile(0, [5, NaN])));
  });

  it('interpolates linearly inside the bucket holding the rank', () => {
    const buckets = b([[0.1, 10], [0.5, 50], [1, 90], [Infinity, 100]]);
    assert.equal(bucketQuantile(0.5, buckets), 0.5);
    assert.ok(Math.abs(bucketQuantile(0.3, buckets) - 0.3) < 1e-12);
    assert.equal(bucketQuantile(0.05, buckets), 0.05);
  });

  it('answers the second-highest bound in the +Inf bucket and the bound itself for a non-positive lowest bucket', () => {
    assert.equal(bucketQuantile(0.99, b([[1, 50], [2, 90], [Infinity, 100]])), 2);
    assert.equal(bucketQuantile(0.1, b([[-1, 50], [2, 90], [Infinity, 100]])), -1);
  });

  it('is NaN without an +Inf bucket, without observations or with one bucket', () => {
    assert.ok(Number.isNaN(bucketQuantile(0.5, b([[1, 5], [2, 10]]))));
    assert.ok(Number.isNaN(bucketQuantile(0.5, b([[1, 0], [Infinity, 0]]))));
    assert.ok(Number.isNaN(bucketQuantile(0.5, b([[Infinity, 10]]))));
    assert.equal(bucketQuantile(-0.5, b([[1, 5], [Infinity, 10]])), -Infinity);
  });

  it('merges duplicate bounds and repairs non-monotonic counts', () => {
    assert.equal(bucketQuantile(0.5, b([[1, 20], [Infinity, 40], [1, 0]])), 1);
    // The 0.5 bucket under-reports: treated as 60, like the 0.1 bucket.
    assert.ok(Math.abs(bucketQuantile(0.5, b([[0.1, 60], [0.5, 40], [1, 80], [Infinity, 100]])) - (0.1 * 50) / 60) < 1e-15);
  });
});
