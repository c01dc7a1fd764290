/**
 * Prometheus' label-set order (labels.Compare), as the store sorts selected
 * series and the API sorts label sets: pairwise by name, then value, a prefix
 * first; computed in place, whatever order the object's names were inserted in.
 */
import assert from 'node:assert/strict';
import { compareLabels, sortByLabels, sortedNames } from '../../../agent/store/label-order';
import { MemoryStore } from '../../../agent/store';
import type { Labels } from '../../../agent/store/types';

const sign = (n: number) => Math.sign(n);

describe('store label order (labels.Compare)', () => {
  const cases: [string, Labels, Labels, -1 | 0 | 1][] = [
    ['equal sets', { a: '1', b: '2' }, { b: '2', a: '1' }, 0],
    ['first differing value decides', { a: '1', b: '9' }, { a: '2', b: '0' }, -1],
    ['a name sorting first wins over values', { a: 'z' }, { b: 'a' }, -1],
    ['a prefix set sorts first', { a: '1' }, { a: '1', b: '0' }, -1],
    ['a value that is a prefix sorts first', { a: 'x' }, { a: 'xa' }, -1],
    ['__name__ is an ordinary name (underscore after capitals)', { __name__: 'up' }, { Z: 'a' }, 1],
    ['UTF-16 order, as Go compares these strings', { a: 'é' }, { a: 'z' }, 1],
    ['names inserted out of order are sorted first', { c: '1', a: '2' }, { a: '2', b: '1' }, 1],
  ];
  for (const [name, a, b, want] of cases) {
    it(name, () => {
      assert.equal(sign(compareLabels(a, b)), want);
      assert.equal(sign(compareLabels(b, a)), -want || 0);
    });
  }

  it('sortedNames returns names in order without reordering sorted objects', () => {
    assert.deepEqual(sortedNames({ b: '1', a: '2' }), ['a', 'b']);
    assert.deepEqual(sortedNames({ a: '1', b: '2' }), ['a', 'b']);
  });

  it('sortByLabels orders items by their sets and keeps the items', () => {
    const items: { l: Labels }[] = [{ l: { job: 'b' } }, { l: { job: 'a', x: '1' } }, { l: { job: 'a' } }];
    assert.deepEqual(sortByLabels(items, (i) => i.l).map((i) => i.l), [{ job: 'a' }, { job: 'a', x: '1' }, { job: 'b' }]);
  });

  it('the store selects series in this order, with long values shared between series', () => {
    const store = new MemoryStore({ now: () => 1000 });
    const long = 'v'.repeat(2000);
    for (const route of ['/b', '/a', '/c']) for (const le of ['1', '+Inf', '0.5']) store.append({ __name__: 'h', route: long + route, le }, 1000, 1);
    const got = store.select([{ type: '=', name: '__name__', value: 'h' }], 0, 1000).map((s) => `${s.labels.route.slice(-2)} ${s.labels.le}`);
    // Names in order are __name__, le, route: le decides first, then the long route's tail.
    assert.deepEqual(got, ['/a +Inf', '/b +Inf', '/c +Inf', '/a 0.5', '/b 0.5', '/c 0.5', '/a 1', '/b 1', '/c 1']);
  });
});
