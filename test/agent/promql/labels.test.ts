import assert from 'node:assert/strict';
import { compareLabels, dropMetricName, labelsKey, labelsString, matchLabels, signatureFn } from '../../../agent/promql/labels';

describe('promql/labels', () => {
  it('prints label sets as Prometheus does (sorted, Go-quoted values)', () => {
    assert.equal(labelsString({ b: 'x"y', __name__: 'm', a: 'line\nbreak' }), '{__name__="m", a="line\\nbreak", b="x\\"y"}');
    assert.equal(labelsString({}), '{}');
  });

  it('orders label sets pairwise by name then value, shorter prefix first', () => {
    const sets: Record<string, string>[] = [{ b: '1' }, { a: '2' }, { a: '1', b: '1' }, { a: '1' }, { A: 'z' }];
    assert.deepEqual(sets.sort(compareLabels), [{ A: 'z' }, { a: '1' }, { a: '1', b: '1' }, { a: '2' }, { b: '1' }]);
  });

  it('keys and signatures: order-independent; ignoring always drops the name, on keeps only what is listed', () => {
    assert.equal(labelsKey({ a: '1', b: '2' }), labelsKey({ b: '2', a: '1' }));
    assert.notEqual(labelsKey({ a: '1b' }), labelsKey({ a: '1', b: '' }));
    const l = { __name__: 'm', a: '1', b: '2' };
    assert.equal(signatureFn(false, [])(l), signatureFn(false, [])({ a: '1', b: '2', __name__: 'other' }));
    assert.equal(signatureFn(true, ['a'])(l), signatureFn(true, ['a'])({ a: '1' }));
    assert.notEqual(signatureFn(true, ['__name__'])(l), signatureFn(true, ['__name__'])({ __name__: 'x' }));
    assert.deepEqual(matchLabels(l, false, ['b']), { a: '1' });
    assert.deepEqual(matchLabels(l, true, ['b', '__name__']), { __name__: 'm', b: '2' });
  });

  it('drops the metric name, returning the input itself when it has none', () => {
    const l = { __name__: 'm', a: '1' };
    assert.deepEqual(dropMetricName(l), { a: '1' });
    assert.deepEqual(dropMetricName(l), dropMetricName(l));
    const noName = { a: '1' };
    assert.equal(dropMetricName(noName), noName);
  });
});
