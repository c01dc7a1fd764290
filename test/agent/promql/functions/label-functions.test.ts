import assert from 'node:assert/strict';
import { labelJoiner, labelReplacer } from '../../../../agent/promql/functions/label-functions';

const L = { __name__: 'up', job: 'api-server', instance: 'host:9090' };

describe('promql/functions/label-functions', () => {
  it('expands templates like Go regexp.Expand', () => {
    const cases: [string, string][] = [
      ['$1', 'api'], ['${1}', 'api'], ['$1-x', 'api-x'], ['$1x', ''], ['${1}x', 'apix'], ['$$1', '$1'], ['$2', 'server'],
      ['$name', 'api'], ['${name}s', 'apis'], ['$9', ''], ['$', '$'], ['${', '${'], ['$01', ''], ['a$1b$2c', 'a'],
    ];
    for (const [tpl, want] of cases) {
      const out = labelReplacer('dst', tpl, 'job', '(?P<name>[a-z]+)-([a-z]+)')(L);
      assert.equal(out.dst ?? '', want, `template ${tpl}`);
    }
  });

  it('leaves labels alone without a match, deletes the destination on an empty result', () => {
    assert.equal(labelReplacer('job', 'x', 'job', 'nomatch')(L), L);
    assert.deepEqual(labelReplacer('job', '', 'job', '.*')(L), { __name__: 'up', instance: 'host:9090' });
    assert.deepEqual(labelReplacer('port', '$1', 'instance', '.*:(.*)')(L), { ...L, port: '9090' });
    assert.deepEqual(labelReplacer('x', 'y', 'missing', '')(L), { ...L, x: 'y' });
  });

  it('validates the regex and label names', () => {
    assert.throws(() => labelReplacer('x', '', 'job', '('), /invalid regular expression in label_replace\(\): \(/);
    assert.throws(() => labelReplacer('1x', '', 'job', '.*'), /invalid destination label name in label_replace\(\): 1x/);
    assert.throws(() => labelJoiner('x', ',', ['ok', 'b-d']), /invalid source label name in label_join\(\): b-d/);
    assert.throws(() => labelJoiner('x y', ',', []), /invalid destination label name in label_join\(\): x y/);
  });

  it('joins source values with the separator, missing ones as empty', () => {
    assert.deepEqual(labelJoiner('both', '/', ['job', 'missing', 'instance'])(L), { ...L, both: 'api-server//host:9090' });
    assert.deepEqual(labelJoiner('job', '', ['missing'])(L), { __name__: 'up', instance: 'host:9090' });
  });
});
