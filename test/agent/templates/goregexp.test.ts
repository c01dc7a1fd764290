import assert from 'node:assert/strict';
import { compileGoRegexp, goMatch, goReplaceAll } from '../../../agent/templates/goregexp';

describe('Go regexps for match and reReplaceAll', () => {
  it('expands $1, ${1}, $name and $$ like Go', () => {
    assert.equal(goReplaceAll('(.*):(\\d+)', '$2-$1', 'host:9090'), '9090-host');
    assert.equal(goReplaceAll('(?P<h>[^:]+):(?P<p>\\d+)', '${p}_$h', 'a:1'), '1_a');
    // "$1x" names group "1x", which does not exist: empty, as in Go.
    assert.equal(goReplaceAll('(a)', '$1x', 'a'), '');
    assert.equal(goReplaceAll('a', '$$', 'a'), '$');
  });
  it('skips an empty match right after a match, like Go', () => {
    assert.equal(goReplaceAll('a|', '-', 'ab'), '-b-');
    assert.equal(goReplaceAll('x*', '-', 'abc'), '-a-b-c-');
  });
  it('translates RE2-only syntax', () => {
    assert.ok(goMatch('[[:digit:]]+', 'ab12'));
    assert.ok(goMatch('(?i)HOST', 'host'));
    assert.ok(goMatch('\\Aab\\z', 'ab'));
    assert.ok(!goMatch('\\Aab\\z', 'ab\n'));
    assert.ok(goMatch('\\Qa.b\\E', 'a.b'));
    assert.ok(!goMatch('\\Qa.b\\E', 'axb'));
    assert.ok(goMatch('\\pL+', 'é'));
  });
  it('reports syntax errors in Go\'s words', () => {
    assert.throws(() => compileGoRegexp('('), /error parsing regexp: missing closing \): `\(`/);
  });
});
