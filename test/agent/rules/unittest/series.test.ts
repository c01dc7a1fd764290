import assert from 'node:assert/strict';
import { expandSeriesValues, parseSeriesSelector } from '../../../../agent/rules/unittest/series';

const show = (s: string) => expandSeriesValues(s).map((v) => (v.kind === 'value' ? v.value : v.kind === 'missing' ? '_' : 'stale'));

describe('input_series notation', () => {
  it('expands as promtool documents', () => {
    assert.deepEqual(show('-2+4x3'), [-2, 2, 6, 10]);
    assert.deepEqual(show(' 1-2x4'), [1, -1, -3, -5, -7]);
    assert.deepEqual(show(' 1x4'), [1, 1, 1, 1, 1]);
    assert.deepEqual(show(' 1 _x3 stale'), [1, '_', '_', '_', 'stale']);
    assert.deepEqual(show('0+1x2 _ 5'), [0, 1, 2, '_', 5]);
    assert.deepEqual(show('1e3x2 .5+.5x1 0x10'), [1000, 1000, 1000, 0.5, 1, ...Array(11).fill(0)]);
    assert.deepEqual(show('1e+3+1e1x2'), [1000, 1010, 1020]);
    const special = show('Inf -Inf NaN');
    assert.equal(special[0], Infinity);
    assert.equal(special[1], -Infinity);
    assert.ok(Number.isNaN(special[2]));
  });
  it('rejects what promtool rejects', () => {
    assert.throws(() => show('1 two 3'), /unexpected "two" in series values/);
    assert.throws(() => show('NaNx5'), /unexpected "NaNx5"/);
    assert.throws(() => show('stalex2'), /unexpected "stalex2"/);
  });
  it('reads adversarial 100 000-character values in linear time (its number patterns split digits one way)', () => {
    // With `\\d+\\.?\\d*` (two ways to split every run of digits) the first one ran past the 30 s test timeout.
    for (const text of ['1'.repeat(100_000) + 'y', '1e' + '1'.repeat(100_000) + 'y', '1+' + '1'.repeat(100_000) + 'y', '1.' + '1'.repeat(100_000) + 'x']) {
      const t0 = performance.now();
      assert.throws(() => show(text), /unexpected/);
      const ms = performance.now() - t0;
      assert.ok(ms < 1_000, `${text.slice(0, 8)}…: ${ms.toFixed(0)} ms`);
    }
  });
  it('reads series selectors', () => {
    assert.deepEqual(parseSeriesSelector('up{job="x", instance="a:1"}'), { __name__: 'up', job: 'x', instance: 'a:1' });
    assert.deepEqual(parseSeriesSelector('{__name__="x", a="b\\"c"}'), { __name__: 'x', a: 'b"c' });
    assert.deepEqual(parseSeriesSelector('{job="x"}'), { job: 'x' });
    assert.throws(() => parseSeriesSelector('up{a!="b"}'), /only equality matchers/);
    assert.throws(() => parseSeriesSelector('rate(x[5m])'), /expected a series selector/);
  });
});
