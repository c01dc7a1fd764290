import assert from 'node:assert/strict';
import { alertsString, goDuration, samplesString, sortAlerts } from '../../../../agent/rules/unittest/format';

describe('promtool output formatting', () => {
  it('prints Go durations', () => {
    assert.equal(goDuration(0), '0s');
    assert.equal(goDuration(60_000), '1m0s');
    assert.equal(goDuration(3_900_000), '1h5m0s');
    assert.equal(goDuration(1500), '1.5s');
    assert.equal(goDuration(500), '500ms');
  });
  it('prints alert lists and samples as promtool', () => {
    assert.equal(alertsString([]), '[]');
    assert.equal(alertsString([{ labels: { b: '2', a: '1' }, annotations: {} }]),
      '[\n0:\n  Labels:{a="1", b="2"}\n  Annotations:{}\n]');
    assert.equal(samplesString([]), 'nil');
    assert.equal(samplesString([{ labels: { __name__: 'x', job: 'a' }, value: 0.5 }, { labels: {}, value: 0 }]), '{__name__="x", job="a"} 5E-01, {} 0E+00');
  });
  it('orders alerts by labels, then annotations', () => {
    const sorted = sortAlerts([
      { labels: { a: '2' }, annotations: {} }, { labels: { a: '1' }, annotations: { z: '1' } }, { labels: { a: '1' }, annotations: { y: '1' } },
    ]);
    assert.deepEqual(sorted.map((x) => [x.labels.a, Object.keys(x.annotations)[0]]), [['1', 'y'], ['1', 'z'], ['2', undefined]]);
  });
});
