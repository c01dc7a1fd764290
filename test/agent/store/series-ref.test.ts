import assert from 'node:assert/strict';
import { MemoryStore } from '../../../agent/store/memory-store';
import { truncateLabelValue } from '../../../agent/store/label-limits';

describe('store: series references (seriesRef / appendRef)', () => {
  it('append through a reference exactly as through the labels, and hand out the store\'s own labels', () => {
    const s = new MemoryStore({ now: () => 0, maxFutureMs: 1000 });
    const labels = { job: 'a', __name__: 'm', empty: '' };
    assert.equal(s.seriesRef(labels), undefined, 'no reference before the series exists');
    assert.equal(s.append(labels, 1, 1), true);
    const ref = s.seriesRef(labels)!;
    assert.deepEqual(Object.keys(ref.labels), ['__name__', 'job'], 'canonical: sorted, empty values dropped');
    assert.equal(s.appendRef(ref, 2, 2), true);
    assert.equal(s.appendRef(ref, 2, 2), true, 'an identical resend is accepted, as by append');
    assert.equal(s.appendRef(ref, 1, 5), false, 'out of order');
    assert.equal(s.appendRef(ref, 5000, 5), false, 'too far in the future');
    assert.equal(s.stats().refusedSamples.out_of_order, 1);
    assert.equal(s.stats().refusedSamples.too_far_in_future, 1);
    assert.deepEqual(Array.from(s.select([{ name: '__name__', type: '=', value: 'm' }], 0, 10)[0].v), [1, 2]);
  });

  it('finds the series of labels whose values were cut, like append', () => {
    const s = new MemoryStore({ labelLimits: { labelValueLengthLimit: 5 } });
    const long = { __name__: 'm', path: '/a/very/long/path' };
    s.append(long, 1, 1);
    const ref = s.seriesRef(long)!;
    assert.equal(ref.labels.path, truncateLabelValue(long.path, 5));
    assert.equal(s.appendRef(ref, 2, 2), true);
    assert.equal(s.seriesCount, 1);
  });

  it('a reference to a series retention dropped takes the long way: the series is created again, under the budget', () => {
    const s = new MemoryStore({ maxSeries: 100, reservedSeries: 0 });
    const app = s.budgetedAppender('otlp_metrics');
    app.append({ __name__: 'm' }, 1, 1);
    const ref = app.seriesRef!({ __name__: 'm' })!;
    assert.equal(app.budget.series, 1);
    s.compact(1 + s.retentionMs + 1);
    assert.equal(s.seriesCount, 0);
    assert.equal(app.budget.series, 0);
    const t = s.retentionMs + 10;
    assert.equal(app.appendRef!(ref, t, 7), true);
    assert.equal(s.seriesCount, 1);
    assert.equal(app.budget.series, 1, 'the recreated series counts against the budget again');
    assert.deepEqual(Array.from(s.select([{ name: '__name__', type: '=', value: 'm' }], 0, t)[0].v), [7]);
  });
});
