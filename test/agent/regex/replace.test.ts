import assert from 'node:assert/strict';
import { anchoredRegex, compileRegex, replaceAllString } from '../../../agent/regex';

describe('regex: Go ReplaceAllString and Expand', () => {
  it('expands $1, ${1}, $name, ${name} and $$ like Go', () => {
    assert.equal(replaceAllString('(.*):(\\d+)', 'host:9090', '$2-$1'), '9090-host');
    assert.equal(replaceAllString('(?P<h>[^:]+):(?P<p>\\d+)', 'a:1', '${p}_$h'), '1_a');
    // "$1x" names group "1x", which does not exist: empty, as in Go.
    assert.equal(replaceAllString('(a)', 'a', '$1x'), '');
    assert.equal(replaceAllString('a', 'a', '$$'), '$');
    // Groups the pattern does not have expand to nothing.
    assert.equal(replaceAllString('(a)', 'a', '[$5]'), '[]');
    assert.equal(replaceAllString('a', 'a', '[$1${2}$x]'), '[]');
    // A $ without a name is kept; a leading zero makes a name, not a number.
    assert.equal(replaceAllString('(a)', 'a', '$-${}$01'), '$-${}');
    // Names are letters and digits in Unicode's sense (Go's unicode.IsLetter).
    assert.equal(replaceAllString('(a)', 'a', '[$1é]'), '[]');
  });

  it('skips an empty match right after a match, and steps over astral characters, like Go', () => {
    assert.equal(replaceAllString('a|', 'ab', '-'), '-b-');
    assert.equal(replaceAllString('x*', 'abc', '-'), '-a-b-c-');
    assert.equal(replaceAllString('x*', '😀a', '-'), '-😀-a-');
    assert.equal(replaceAllString('a*', 'baaac', '<$0>'), '<>b<aaa>c<>');
  });

  it('keeps ^ and \\b tied to the whole text while searching further on', () => {
    assert.equal(replaceAllString('^a', 'aaa', 'b'), 'baa');
    assert.equal(replaceAllString('\\bx', 'x xx', 'y'), 'y yx');
  });

  it('expand: label_replace fills the template from an anchored match', () => {
    const re = anchoredRegex('(?P<major>[0-9]+)\\.(.*)');
    const m = re.exec('12.3');
    assert.ok(m);
    assert.equal(re.expand('v$major-${2}-$3', m), 'v12-3-');
    assert.equal(anchoredRegex('x').exec('xx'), null);
  });

  it('exec reports unmatched groups as undefined and the match index', () => {
    const m = compileRegex('(a)|(b)').exec('zb');
    assert.deepEqual([...m!], ['b', undefined, 'b']);
    assert.equal(m!.index, 1);
  });
});
