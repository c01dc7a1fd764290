import assert from 'node:assert/strict';
import { LabelIndex } from '../../../agent/store/label-index';
import type { LabelMatcher, Labels } from '../../../agent/store/types';

const SERIES: Labels[] = [
  { __name__: 'http', job: 'api', code: '200' },
  { __name__: 'http', job: 'api', code: '500' },
  { __name__: 'http', job: 'web', code: '200' },
  { __name__: 'up', job: 'api' },
  { __name__: 'up', job: 'web', env: 'prod' },
];

interface S { id: number; labels: Labels }
const OBJECTS: S[] = SERIES.map((labels, i) => ({ id: i + 1, labels }));

function index(): LabelIndex<S> {
  const idx = new LabelIndex<S>();
  for (const s of OBJECTS) idx.add(s);
  return idx;
}

const ids = (list: readonly S[]): number[] => list.map((s) => s.id);

const m = (name: string, type: LabelMatcher['type'], value: string): LabelMatcher => ({ name, type, value });

describe('store/label-index', () => {
  const cases: [string, LabelMatcher[], number[]][] = [
    ['equality', [m('__name__', '=', 'http')], [1, 2, 3]],
    ['intersection', [m('__name__', '=', 'http'), m('job', '=', 'api')], [1, 2]],
    ['inequality keeps series without the label', [m('code', '!=', '500')], [1, 3, 4, 5]],
    ['regex is anchored', [m('job', '=~', 'ap')], []],
    ['regex alternation', [m('code', '=~', '2..|5..')], [1, 2, 3]],
    ['negative regex', [m('__name__', '=', 'http'), m('code', '!~', '5.*')], [1, 3]],
    ['empty equality selects series without the label', [m('__name__', '=', 'up'), m('env', '=', '')], [4]],
    ['non-empty inequality to empty selects series with the label', [m('env', '!=', '')], [5]],
    ['regex matching empty includes series without the label', [m('__name__', '=', 'up'), m('env', '=~', 'prod|')], [4, 5]],
    ['unknown label value', [m('job', '=', 'nope')], []],
    ['unknown label with empty match', [m('__name__', '=', 'up'), m('nope', '=', '')], [4, 5]],
    ['only empty-matching matchers start from all series', [m('env', '!~', 'prod')], [1, 2, 3, 4]],
  ];
  for (const [name, matchers, want] of cases) {
    it(name, () => assert.deepEqual(ids(index().match(matchers)), want));
  }

  it('lists label names and values', () => {
    const idx = index();
    assert.deepEqual(idx.labelNames(), ['__name__', 'code', 'env', 'job']);
    assert.deepEqual(idx.labelValues('job'), ['api', 'web']);
    assert.deepEqual(idx.labelValues('nope'), []);
    assert.equal(idx.pairCount, 7);
  });

  it('removes many series at once, dropping emptied names and values', () => {
    const idx = index();
    idx.removeMany(new Set([OBJECTS[4], OBJECTS[1]]));
    assert.deepEqual(ids(idx.match([m('job', '=~', '.+')])), [1, 3, 4]);
    assert.deepEqual(idx.labelNames(), ['__name__', 'code', 'job']);
    assert.deepEqual(idx.labelValues('code'), ['200']);
    assert.deepEqual(ids(idx.match([m('x', '!=', 'y')])), [1, 3, 4]);
  });

  it('values held by one series (kept without a list) still match, union and subtract in id order', () => {
    const idx = new LabelIndex<S>();
    const made: S[] = [];
    const add = (id: number, route: string): void => { const s = { id, labels: { __name__: 'r', route } }; made.push(s); idx.add(s); };
    add(1, '/a');
    add(2, '/b');
    add(3, '/a');
    add(4, '/c');
    // '/a' loses its first series: its key stays before '/b' in the map while its one series (3) is newer than '/b's (2).
    idx.removeMany(new Set([made[0]]));
    assert.deepEqual(ids(idx.match([m('route', '=', '/a')])), [3]);
    assert.deepEqual(ids(idx.match([m('route', '=~', '/.*')])), [2, 3, 4]);
    assert.deepEqual(ids(idx.match([m('route', '!~', '/b')])), [3, 4]);
    add(5, '/a');
    assert.deepEqual(ids(idx.match([m('route', '=', '/a')])), [3, 5], 'a single becomes a list again');
    idx.removeMany(new Set([made[2], made[4]]));
    assert.deepEqual(idx.labelValues('route'), ['/b', '/c']);
  });
});
