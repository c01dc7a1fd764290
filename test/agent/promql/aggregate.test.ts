import assert from 'node:assert/strict';
import { aggregate } from '../../../agent/promql/aggregate';
import type { Sample } from '../../../agent/promql/values';

const s = (v: number, labels: Record<string, string> = {}): Sample => ({ metric: { __name__: 'm', ...labels }, value: v });
const vals = (out: Sample[]): number[] => out.map((x) => x.value);

describe('promql/aggregate', () => {
  const vec = [s(3, { a: 'x', b: '1' }), s(1, { a: 'x', b: '2' }), s(NaN, { a: 'y', b: '1' }), s(7, { a: 'y', b: '2' })];

  it('groups by and without, dropping the metric name', () => {
    assert.deepEqual(aggregate('count', ['a'], false, undefined, vec).map((x) => [x.metric, x.value]), [[{ a: 'x' }, 2], [{ a: 'y' }, 2]]);
    assert.deepEqual(aggregate('count', ['a'], true, undefined, vec).map((x) => x.metric), [{ b: '1' }, { b: '2' }]);
    assert.deepEqual(aggregate('sum', [], false, undefined, vec.slice(0, 2)), [{ metric: {}, value: 4 }]);
    assert.deepEqual(aggregate('max', ['__name__'], false, undefined, vec.slice(0, 2)), [{ metric: { __name__: 'm' }, value: 3 }]);
  });

  it('min/max ignore NaN unless only NaN is there', () => {
    assert.equal(aggregate('max', [], false, undefined, [s(NaN), s(2)])[0].value, 2);
    assert.equal(aggregate('min', [], false, undefined, [s(NaN), s(2)])[0].value, 2);
    assert.ok(Number.isNaN(aggregate('max', [], false, undefined, [s(NaN)])[0].value));
  });

  it('avg keeps an infinite mean and gives NaN for opposite infinities', () => {
    assert.equal(aggregate('avg', [], false, undefined, [s(Infinity), s(1)])[0].value, Infinity);
    assert.ok(Number.isNaN(aggregate('avg', [], false, undefined, [s(Infinity), s(-Infinity)])[0].value));
    assert.equal(aggregate('avg', [], false, undefined, [s(1e308), s(1e308)])[0].value, 1e308);
  });

  it('stddev/stdvar/group/quantile', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9].map((v) => s(v));
    assert.equal(aggregate('stdvar', [], false, undefined, xs)[0].value, 4);
    assert.equal(aggregate('stddev', [], false, undefined, xs)[0].value, 2);
    assert.equal(aggregate('group', [], false, undefined, xs)[0].value, 1);
    assert.equal(aggregate('quantile', [], false, 0.5, xs)[0].value, 4.5);
  });

  it('topk/bottomk keep the original labels, best first, NaN ranked lowest and listed last', () => {
    assert.deepEqual(vals(aggregate('topk', [], false, 2, vec)), [7, 3]);
    assert.deepEqual(vals(aggregate('bottomk', [], false, 2, vec)), [1, 3]);
    assert.deepEqual(aggregate('topk', [], false, 1, vec)[0].metric, { __name__: 'm', a: 'y', b: '2' });
    const all = vals(aggregate('topk', [], false, 10, vec));
    assert.deepEqual(all.slice(0, 3), [7, 3, 1]);
    assert.ok(Number.isNaN(all[3]));
    assert.deepEqual(vals(aggregate('topk', ['a'], false, 1, vec)), [3, 7]);
    assert.deepEqual(aggregate('topk', [], false, 0.9, vec), []);
    assert.deepEqual(vals(aggregate('topk', [], false, 1.9, vec)), [7]);
  });

  it('topk breaks ties in favour of the earlier sample, as Prometheus\' heap does', () => {
    const tied = [s(5, { i: '1' }), s(5, { i: '2' }), s(5, { i: '3' })];
    assert.deepEqual(aggregate('topk', [], false, 1, tied).map((x) => x.metric.i), ['1']);
    assert.deepEqual(aggregate('bottomk', [], false, 1, tied).map((x) => x.metric.i), ['1']);
  });

  it('count_values labels each distinct value (formatted like Go) and respects grouping', () => {
    const out = aggregate('count_values', [], false, 'v', [s(1), s(1), s(1e21), s(0.5)]);
    assert.deepEqual(out.map((x) => [x.metric, x.value]), [[{ v: '1' }, 2], [{ v: '1000000000000000000000' }, 1], [{ v: '0.5' }, 1]]);
    const by = aggregate('count_values', ['a'], false, 'v', [s(1, { a: 'x' }), s(1, { a: 'y' })]);
    assert.deepEqual(by.map((x) => x.metric), [{ a: 'x', v: '1' }, { a: 'y', v: '1' }]);
    const without = aggregate('count_values', ['a'], true, 'v', [s(1, { a: 'x', b: 'q' }), s(1, { a: 'y', b: 'q' })]);
    assert.deepEqual(without.map((x) => [x.metric, x.value]), [[{ b: 'q', v: '1' }, 2]]);
  });

  it('rejects bad parameters with Prometheus\' messages', () => {
    assert.throws(() => aggregate('topk', [], false, NaN, vec), /Scalar value NaN overflows int64/);
    assert.throws(() => aggregate('topk', [], false, 1e19, vec), /overflows int64/);
    assert.throws(() => aggregate('count_values', [], false, 'a-b', vec), /invalid label name "a-b"/);
  });
});
