import assert from 'node:assert/strict';
import { scalarBinop, vectorAnd, vectorBinop, vectorOr, vectorScalarBinop, vectorUnless } from '../../../agent/promql/binary';
import type { VectorMatching } from '../../../agent/promql/ast';
import type { Sample } from '../../../agent/promql/values';

const s = (v: number, labels: Record<string, string>): Sample => ({ metric: labels, value: v });
const oneToOne: VectorMatching = { card: 'one-to-one', on: false, labels: [], include: [] };

describe('promql/binary', () => {
  it('computes like Go: Pow special cases, Mod sign, atan2, comparisons as 0/1 between scalars', () => {
    assert.equal(scalarBinop('^', 1, NaN), 1);
    assert.equal(scalarBinop('^', NaN, 0), 1);
    assert.equal(scalarBinop('^', -1, Infinity), 1);
    assert.equal(scalarBinop('^', 2, 10), 1024);
    assert.equal(scalarBinop('%', -7, 3), -1);
    assert.ok(Number.isNaN(scalarBinop('%', 1, 0)));
    assert.equal(scalarBinop('atan2', 1, 1), Math.PI / 4);
    assert.equal(scalarBinop('>', 2, 1), 1);
    assert.equal(scalarBinop('==', NaN, NaN), 0);
  });

  it('vector/scalar: arithmetic drops the name, filters keep it and the vector\'s value, bool drops it', () => {
    const v = [s(1, { __name__: 'a', k: '1' }), s(5, { __name__: 'a', k: '2' })];
    assert.deepEqual(vectorScalarBinop('*', v, 2, false, false), [s(2, { k: '1' }), s(10, { k: '2' })]);
    assert.deepEqual(vectorScalarBinop('<', v, 3, true, false), [s(5, { __name__: 'a', k: '2' })]);
    assert.deepEqual(vectorScalarBinop('>', v, 3, false, true), [s(0, { k: '1' }), s(1, { k: '2' })]);
    assert.deepEqual(vectorScalarBinop('-', v, 10, true, false).map((x) => x.value), [9, 5]);
  });

  it('one-to-one matching ignores the metric name; on() and ignoring() pick the labels', () => {
    const l = [s(10, { __name__: 'a', job: 'x', i: '1' }), s(20, { __name__: 'a', job: 'y', i: '1' })];
    const r = [s(2, { __name__: 'b', job: 'x', i: '1' }), s(4, { __name__: 'b', job: 'y', i: '2' })];
    assert.deepEqual(vectorBinop('/', l, r, oneToOne, false), [s(5, { job: 'x', i: '1' })]);
    assert.deepEqual(vectorBinop('/', l, r, { ...oneToOne, on: true, labels: ['job'] }, false), [s(5, { job: 'x' }), s(5, { job: 'y' })]);
    assert.deepEqual(vectorBinop('>', l, r, { ...oneToOne, labels: ['i'] }, false), [s(10, { __name__: 'a', job: 'x' }), s(20, { __name__: 'a', job: 'y' })]);
    assert.deepEqual(vectorBinop('>', l, r, { ...oneToOne, labels: ['i'] }, true), [s(1, { job: 'x' }), s(1, { job: 'y' })]);
  });

  it('group_left copies include labels from the one side and needs unique results', () => {
    const many = [s(1, { __name__: 'a', job: 'x', code: '200' }), s(2, { __name__: 'a', job: 'x', code: '500' })];
    const one = [s(10, { __name__: 'info', job: 'x', team: 'core' })];
    const m: VectorMatching = { card: 'many-to-one', on: true, labels: ['job'], include: ['team'] };
    assert.deepEqual(vectorBinop('*', many, one, m, false), [s(10, { job: 'x', code: '200', team: 'core' }), s(20, { job: 'x', code: '500', team: 'core' })]);
    const right: VectorMatching = { ...m, card: 'one-to-many' };
    assert.deepEqual(vectorBinop('-', one, many, right, false).map((x) => x.value), [9, 8]);
    // Two "many" samples that differ only in their metric name collapse into one result: refused.
    const sameButName = [s(1, { __name__: 'a', job: 'x' }), s(2, { __name__: 'b', job: 'x' })];
    assert.throws(() => vectorBinop('*', sameButName, one, m, false), /multiple matches for labels: grouping labels must ensure unique matches/);
  });

  it('reports many-to-many and implicit many-to-one like Prometheus', () => {
    const two = [s(1, { __name__: 'a', job: 'x', i: '1' }), s(2, { __name__: 'a', job: 'x', i: '2' })];
    const one = [s(1, { __name__: 'b', job: 'x' })];
    const on: VectorMatching = { ...oneToOne, on: true, labels: ['job'] };
    assert.throws(() => vectorBinop('+', one, two, on, false),
      /^QueryError: found duplicate series for the match group \{job="x"\} on the right hand-side of the operation: \[\{__name__="a", i="2", job="x"\}, \{__name__="a", i="1", job="x"\}\];many-to-many matching not allowed: matching labels must be unique on one side$/);
    assert.throws(() => vectorBinop('+', two, one, { ...on, card: 'one-to-many' }, false), /on the left hand-side/);
    assert.throws(() => vectorBinop('+', two, one, on, false), /multiple matches for labels: many-to-one matching must be explicit \(group_left\/group_right\)/);
  });

  it('set operators match on signatures and keep the left side\'s samples', () => {
    const l = [s(1, { __name__: 'a', k: '1' }), s(2, { __name__: 'a', k: '2' })];
    const r = [s(9, { __name__: 'b', k: '2' }), s(8, { __name__: 'b', k: '3' })];
    const m: VectorMatching = { card: 'many-to-many', on: false, labels: [], include: [] };
    assert.deepEqual(vectorAnd(l, r, m), [l[1]]);
    assert.deepEqual(vectorOr(l, r, m), [...l, r[1]]);
    assert.deepEqual(vectorUnless(l, r, m), [l[0]]);
    assert.deepEqual(vectorAnd(l, r, { ...m, on: true, labels: [] }), l);
    assert.deepEqual(vectorUnless(l, [], m), l);
  });
});
