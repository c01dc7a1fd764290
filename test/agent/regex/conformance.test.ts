/**
 * RE2 conformance: the cases Go's regexp/syntax documentation lists (flag
 * groups, Perl/POSIX/Unicode classes, empty-width assertions, repetition
 * limits), with Prometheus' anchoring and Go's error messages. PromQL cases
 * are also confirmed against Prometheus 2.42 in
 * test/compat/prometheus/expressions.ts and routing against amtool in
 * test/agent/alerting/route-regex-amtool.test.ts.
 */
import assert from 'node:assert/strict';
import { anchoredRegex, compileRegex, RegexSyntaxError } from '../../../agent/regex';

const full = (re: string, s: string) => anchoredRegex(re).test(s);
const search = (re: string, s: string) => compileRegex(re).test(s);

describe('regex: RE2 conformance (Go regexp/syntax)', () => {
  describe('flag groups', () => {
    it('(?i) for the rest of the expression, (?i:...) for a group, ((?i)x) scoped to its group', () => {
      assert.ok(full('(?i)get', 'GET'));
      assert.ok(full('a(?i)bc', 'aBC'));
      assert.ok(!full('a(?i)bc', 'ABC'));
      assert.ok(full('(?i:get)/x', 'GeT/x'));
      assert.ok(!full('(?i:get)/x', 'GET/X'));
      assert.ok(full('((?i)g)et', 'Get'));
      assert.ok(!full('((?i)g)et', 'GET'));
      assert.ok(full('(?i)(?-i:a)b', 'aB'));
      assert.ok(!full('(?i)(?-i:a)b', 'AB'));
    });
    it('(?s) lets . match \\n; without it . never does', () => {
      assert.ok(!full('a.b', 'a\nb'));
      assert.ok(full('(?s)a.b', 'a\nb'));
      assert.ok(full('(?s:.)x', '\nx'));
      assert.ok(!full('.*', 'line1\nline2'));
      assert.ok(full('(?s).*', 'line1\nline2'));
    });
    it('(?m) makes ^ and $ match at line boundaries; without it $ is only the end of text', () => {
      assert.ok(search('(?m)^b$', 'a\nb\nc'));
      assert.ok(!search('^b$', 'a\nb\nc'));
      assert.ok(!search('a$', 'a\n'));
    });
    it('(?U) swaps greedy and non-greedy', () => {
      assert.equal(compileRegex('(?U)a+').exec('aaa')?.[0], 'a');
      assert.equal(compileRegex('(?U)a+?').exec('aaa')?.[0], 'aaa');
      assert.equal(compileRegex('a+?').exec('aaa')?.[0], 'a');
    });
    it('case folding is Unicode simple folding, as Go', () => {
      assert.ok(full('(?i)k', '\u212a')); // KELVIN SIGN folds to k
      assert.ok(full('(?i)σ', 'Σ'));
      assert.ok(!full('(?i)straße', 'STRASSE')); // no multi-character folding in RE2
    });
  });

  describe('character classes', () => {
    it('POSIX classes, also negated and inside larger classes', () => {
      assert.ok(full('[[:alpha:]]+', 'abcXYZ'));
      assert.ok(!full('[[:alpha:]]+', 'abc1'));
      assert.ok(full('[[:^alpha:]]+', '123-!'));
      assert.ok(!full('[[:^alpha:]]+', '12a'));
      assert.ok(full('[[:digit:][:upper:]_]+', 'A1_B2'));
      assert.ok(full('[[:xdigit:]]{4}', 'beeF'));
      assert.ok(full('[[:space:]]', '\v'));
      assert.ok(full('[[:punct:]]+', '!-/:@[`{~'));
      assert.ok(full('[[:word:]]+', 'a_1'));
    });
    it('Perl classes are ASCII-only, as in Go', () => {
      assert.ok(full('\\d+', '0123456789'));
      assert.ok(!full('\\d', '٣')); // ARABIC-INDIC DIGIT THREE
      assert.ok(!full('\\w+', 'héllo'));
      assert.ok(full('\\s', '\t'));
      assert.ok(full('\\D\\W\\S', 'x-y'));
    });
    it('Unicode classes: \\pL, \\p{Greek}, \\PL, \\pN', () => {
      assert.ok(full('\\pL+', '日本語é'));
      assert.ok(!full('\\pL+', 'abc1'));
      assert.ok(full('\\p{Greek}+', 'αβγ'));
      assert.ok(full('\\PL+', '123-'));
      assert.ok(full('\\pN+', '٣3'));
      assert.ok(full('[\\p{Lu}\\d]+', 'É9'));
    });
    it('a ] first in a class is a literal; ranges and negation', () => {
      assert.ok(full('[]a]+', ']a]'));
      assert.ok(full('[^]a]', 'b'));
      assert.ok(full('[a-c-]+', 'a-c'));
      assert.ok(full('[^a-z]', '\n'));
    });
    it('. matches one code point, astral ones included', () => {
      assert.ok(full('.', '😀'));
      assert.ok(full('\\x{1F600}', '😀'));
      assert.ok(full('[😀-😂]', '😁'));
    });
  });

  describe('escapes and empty-width assertions', () => {
    it('\\A and \\z are text boundaries; \\b word boundaries', () => {
      assert.ok(search('\\Aab\\z', 'ab'));
      assert.ok(!search('\\Aab\\z', 'ab\n'));
      assert.ok(!search('(?m)\\Ab', 'a\nb'));
      assert.ok(search('\\bfoo\\b', 'a foo b'));
      assert.ok(!search('\\bfoo\\b', 'afoob'));
      assert.ok(search('\\Bo\\B', 'foo bar'));
    });
    it('\\Q...\\E quotes literally, to the end when \\E is missing', () => {
      assert.ok(full('\\Qa.b*\\E', 'a.b*'));
      assert.ok(!full('\\Qa.b*\\E', 'axbb'));
      assert.ok(search('x\\Q(y', 'ax(y'));
      // Wrapped, an unterminated \Q swallows Prometheus' closing `)$` too: Prometheus refuses it as well.
      assert.throws(() => anchoredRegex('x\\Q(y'), { message: 'error parsing regexp: missing closing ): `^(?:x\\Q(y)$`' });
    });
    it('hex, octal and C escapes', () => {
      assert.ok(full('\\x41\\x{42}\\103', 'ABC'));
      assert.ok(full('\\t\\n\\f\\r\\v\\a', '\t\n\f\r\v\x07'));
    });
    it('(?P<name>re) names a group; so does (?<name>re), as in Go >= 1.22 (Go 1.19, under Prometheus 2.42, refused it)', () => {
      assert.equal(anchoredRegex('(?P<major>[0-9]+)\\..*').exec('12.3')?.groups?.major, '12');
      assert.equal(compileRegex('(?<minor>\\d+)$').exec('1.22')?.groups?.minor, '22');
    });
  });

  describe('anchoring (Prometheus and Alertmanager: ^(?:re)$)', () => {
    it('matches whole values only, alternations included', () => {
      assert.ok(full('foo|bar', 'foo'));
      assert.ok(full('foo|bar', 'bar'));
      assert.ok(!full('foo|bar', 'foobar'));
      assert.ok(!full('foo|bar', 'xfoo'));
      assert.ok(!full('ba', 'bar'));
      assert.ok(full('.*', ''));
      assert.ok(!full('.+', ''));
      assert.ok(full('api|', ''));
      assert.ok(full('', ''));
      assert.ok(!full('', 'x'));
    });
    it('a pattern that only parses once wrapped is refused, as Prometheus refuses it', () => {
      assert.throws(() => anchoredRegex('a)|(b'), { message: 'error parsing regexp: unexpected ): `a)|(b`' });
    });
    it('the literal fast paths agree with the automaton', () => {
      for (const re of ['api', 'GET|POST|', '.*', '.+', 'a b', 'ünï|cødé']) {
        const fast = anchoredRegex(re);
        const slow = compileRegex(`^(?:${re})$`);
        for (const s of ['', 'api', 'GET', 'POST', 'GETPOST', 'a b', 'x\ny', '\n', 'ünï', 'cødé', ' api']) {
          assert.equal(fast.test(s), slow.test(s), `${re} on ${JSON.stringify(s)}`);
        }
      }
    });
  });

  describe('invalid patterns: refused with Go\'s message', () => {
    const cases: [string, string][] = [
      ['(', 'error parsing regexp: missing closing ): `^(?:()$`'],
      ['[a', 'error parsing regexp: missing closing ]: `[a)$`'],
      ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
      ['*', 'error parsing regexp: missing argument to repetition operator: `*`'],
      ['[z-a]', 'error parsing regexp: invalid character class range: `z-a`'],
      ['a(?=b)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
      ['a(?!b)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?!`'],
      ['\\8', 'error parsing regexp: invalid escape sequence: `\\8`'],
      ['\\C', 'error parsing regexp: invalid escape sequence: `\\C`'],
      ['[[:foo:]]', 'error parsing regexp: invalid character class range: `[:foo:]`'],
      ['\\pX', 'error parsing regexp: invalid character class range: `\\pX`'],
      ['x{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
      ['x{2,1}', 'error parsing regexp: invalid repeat count: `{2,1}`'],
      ['(?P<>a)', 'error parsing regexp: invalid named capture: `(?P<>`'],
      ['(?z)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?z`'],
    ];
    for (const [re, message] of cases) {
      it(`${re}`, () => {
        assert.throws(() => anchoredRegex(re), (err: unknown) => err instanceof RegexSyntaxError && err.message === message);
      });
    }
    it('known difference: a duplicate group name is refused (RE2 and re2js refuse it; Go accepts it)', () => {
      assert.throws(() => anchoredRegex('(?P<n>a)(?P<n>b)'), { message: 'error parsing regexp: duplicate capture group name: `n`' });
    });
    it('a trailing backslash, unanchored, as Go prints it', () => {
      assert.throws(() => compileRegex('ab\\'), { message: 'error parsing regexp: trailing backslash at end of expression: ``' });
    });
  });
});
