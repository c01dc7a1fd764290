import assert from 'node:assert/strict';
import { anchoredRegex } from '../../../agent/store/regex';

describe('store/regex', () => {
  it('anchors the whole pattern, as Prometheus does', () => {
    const re = anchoredRegex('foo|bar');
    assert.ok(re.test('foo'));
    assert.ok(re.test('bar'));
    assert.ok(!re.test('foobar'));
    assert.ok(!re.test('xfoo'));
    assert.ok(anchoredRegex('.*').test(''));
  });

  it('understands RE2 spellings JavaScript lacks', () => {
    assert.ok(anchoredRegex('(?i)GET').test('get'));
    assert.ok(anchoredRegex('(?s)a.b').test('a\nb'));
    assert.ok(!anchoredRegex('a.b').test('a\nb'));
    assert.ok(anchoredRegex('[[:digit:]]+').test('123'));
    assert.ok(!anchoredRegex('[[:digit:]]+').test('12a'));
    assert.equal(anchoredRegex('(?P<major>[0-9]+)\\..*').exec('12.3')?.groups?.major, '12');
  });

  it('rejects invalid patterns and RE2-unsupported lookarounds with the pattern in the message', () => {
    assert.throws(() => anchoredRegex('('), /error parsing regexp: .*"\("/);
    assert.throws(() => anchoredRegex('a(?=b)'), /error parsing regexp: .*lookaround/);
  });

  it('caches compiled patterns', () => {
    assert.equal(anchoredRegex('cache-me'), anchoredRegex('cache-me'));
  });
});
