import assert from 'node:assert/strict';
import { parseExpr, typeOf } from '../../../agent/promql/parse';
import { QueryError } from '../../../agent/promql/types';
import type { Expr } from '../../../agent/promql/ast';

function parseError(text: string): string {
  try {
    parseExpr(text);
  } catch (err) {
    assert.ok(err instanceof QueryError, String(err));
    assert.equal(err.errorType, 'bad_data');
    return err.message;
  }
  assert.fail(`${text} should not parse`);
}

/** A compact rendering of the tree, to check structure and precedence. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number': return String(e.value);
    case 'string': return JSON.stringify(e.value);
    case 'vector': return `${e.name ?? '{}'}${e.offset ? ` offset ${e.offset}` : ''}${e.at ? ` @${e.at.kind === 'time' ? e.at.t : e.at.kind}` : ''}`;
    case 'matrix': return `${show(e.selector)}[${e.range}]`;
    case 'subquery': return `(${show(e.expr)})[${e.range}:${e.step}]${e.offset ? ` offset ${e.offset}` : ''}`;
    case 'call': return `${e.func}(${e.args.map(show).join(', ')})`;
    case 'aggregate': return `${e.op}${e.without ? ' without' : ' by'}(${e.grouping.join(',')})(${e.param ? show(e.param) + ', ' : ''}${show(e.expr)})`;
    case 'binary': return `(${show(e.lhs)} ${e.op}${e.returnBool ? ' bool' : ''}${e.matching && e.matching.card !== 'one-to-one' ? ` ${e.matching.card}` : ''} ${show(e.rhs)})`;
    case 'unary': return `${e.op}${show(e.expr)}`;
    case 'paren': return `(${show(e.expr)})`;
  }
}

describe('promql/parse', () => {
  const structures: [string, string][] = [
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['-2 ^ 2', '-(2 ^ 2)'],
    ['a - b offset 5m', '(a - b offset 300000)'],
    ['-a offset 5m', '-a offset 300000'],
    ['a + b @ 100', '(a + b @100000)'],
    ['a offset 1m @ end()', 'a offset 60000 @end'],
    ['a @ start() offset -1m', 'a offset -60000 @start'],
    ['rate(a[5m] offset 1h)', 'rate(a offset 3600000[300000])'],
    ['max_over_time(a[1h:5m] offset 2m)', 'max_over_time((a)[3600000:300000] offset 120000)'],
    ['a[10m:]', '(a)[600000:0]'],
    ['sum without (x) (a)', 'sum without(x)(a)'],
    ['topk by (x) (3, a)', 'topk by(x)(3, a)'],
    ['a and b or c unless d', '((a and many-to-many b) or many-to-many (c unless many-to-many d))'],
    ['a > bool 1', '(a > bool 1)'],
    ['a / on (x) group_left (y) b', '(a / many-to-one b)'],
    ['a * ignoring (x) group_right b', '(a * one-to-many b)'],
    ['holt_winters(a[5m], 0.1, 0.2)', 'holt_winters(a[300000], 0.1, 0.2)'],
    ['0x10 + 010 + 1e1 + .5', '(((16 + 8) + 10) + 0.5)'],
    ["'a\\tb' ", '"a\\tb"'],
  ];
  for (const [text, want] of structures) {
    it(`reads ${text} as ${want}`, () => assert.equal(show(parseExpr(text)), want));
  }

  it('appends the metric name matcher and keeps the others in order', () => {
    const e = parseExpr('up{job="a",instance=~"x.*"}');
    assert.equal(e.kind, 'vector');
    assert.deepEqual((e as Extract<Expr, { kind: 'vector' }>).matchers, [
      { name: 'job', type: '=', value: 'a' }, { name: 'instance', type: '=~', value: 'x.*' }, { name: '__name__', type: '=', value: 'up' },
    ]);
  });

  it('types expressions as Prometheus does', () => {
    assert.equal(typeOf(parseExpr('1 + 1')), 'scalar');
    assert.equal(typeOf(parseExpr('a + 1')), 'vector');
    assert.equal(typeOf(parseExpr('a[5m]')), 'matrix');
    assert.equal(typeOf(parseExpr('scalar(a)')), 'scalar');
    assert.equal(typeOf(parseExpr('"s"')), 'string');
  });

  const errors: [string, RegExp][] = [
    ['', /^1:1: parse error: no expression found in input$/],
    ['sum(a', /^1:6: parse error: unexpected end of input$/],
    ['foo(a)', /^1:1: parse error: unknown function with name "foo"$/],
    ['mad_over_time(a[5m])', /unknown function with name "mad_over_time"/],
    ['{a=""}', /vector selector must contain at least one non-empty matcher/],
    ['a{__name__="b"}', /metric name must not be set twice: "a" or "b"/],
    ['a{b=~"("}', /error parsing regexp/],
    ['rate(a)', /expected type range vector in call to function "rate", got instant vector/],
    ['abs(a[5m])', /expected type instant vector in call to function "abs", got range vector/],
    ['round(a, 1, 2)', /expected at most 2 argument\(s\) in call to "round", got 3/],
    ['label_join(a)', /expected at least 3 argument\(s\) in call to "label_join", got 1/],
    ['vector()', /expected 1 argument\(s\) in call to "vector", got 0/],
    ['1 > 2', /comparisons between scalars must use BOOL modifier/],
    ['a + bool b', /bool modifier can only be used on comparison operators/],
    ['a and 1', /set operator "and" not allowed in binary scalar expression/],
    ['a and on (x) group_left b', /no grouping allowed for "and" operation/],
    ['a + on (x) group_left (x) b', /label "x" must not occur in ON and GROUP clause at once/],
    ['1 + on (x) a', /vector matching only allowed between instant vectors/],
    ['a offset 1m [5m]', /no offset modifiers allowed before range/],
    ['a @ 1 [5m]', /no @ modifiers allowed before range/],
    ['a offset 1m offset 2m', /offset may not be set multiple times/],
    ['a @ 1 @ 2', /@ <timestamp> may not be set multiple times/],
    ['sum(a) offset 1m', /offset modifier must be preceded by an instant vector selector/],
    ['(a) @ 5', /@ modifier must be preceded by an instant vector selector/],
    ['a @ Inf', /timestamp out of bounds for @ modifier/],
    ['a[0s]', /duration must be greater than 0/],
    ['a[5m+1m]', /duration arithmetic .* not supported/],
    ['a[5]', /bad duration syntax: "5"/],
    ['5m', /unexpected duration "5m"/],
    ['-a[5m]', /unary expression only allowed on expressions of type scalar or instant vector, got "range vector"/],
    ['(a + b)[5m]', /ranges only allowed for vector selectors/],
    ['rate(a[5m])[5m:1m][1m]', /ranges only allowed for vector selectors/],
    ['a[5m][5m:1m]', /subquery is only allowed on instant vector, got range vector instead/],
    ['sum(a, b)', /wrong number of arguments for aggregate expression provided, expected 1, got 2/],
    ['topk(a)', /wrong number of arguments for aggregate expression provided, expected 2, got 1/],
    ['count_values(1, a)', /expected type string in aggregation parameter, got scalar/],
    ['quantile("x", a)', /expected type scalar in aggregation parameter, got string/],
    ['limitk(1, a)', /not in Prometheus 2.42/],
    ['a{"b"="c"}', /quoted label names .* not supported/],
    ['a smoothed', /not supported/],
    ['a[5m] anchored', /not supported/],
    ['a + fill(0) b', /fill\(\)\/fill_left\(\)\/fill_right\(\) modifiers are not supported/],
    ['"\\q"', /error unquoting string/],
    ['holt_winters(a[5m], 0.1) + b{', /^1:30: parse error: unexpected end of input$/],
  ];
  for (const [text, want] of errors) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.match(parseError(text), want));
  }

  it('does not rename holt_winters inside strings or label names', () => {
    const e = parseExpr('label_replace(a{holt_winters="holt_winters("}, "x", "holt_winters(", "y", ".*")');
    assert.equal(e.kind, 'call');
  });
});
