import assert from 'node:assert/strict';
import { formatFloatPlain, parseGoFloat, parseNumberLiteral, unquote } from '../../../agent/promql/strings';

describe('promql/strings', () => {
  it('unquotes like Go strconv.Unquote, plus single-quoted strings', () => {
    assert.equal(unquote('"a\\nb\\t\\"c\\\\"'), 'a\nb\t"c\\');
    assert.equal(unquote("'it\\'s \"x\"'"), 'it\'s "x"');
    assert.equal(unquote('`raw \\n`'), 'raw \\n');
    assert.equal(unquote('"\\x41\\u00e9\\U0001F600\\101"'), 'Aé😀A');
    for (const bad of ['"\\q"', '"a', '"\\\'"', "'\\\"'", '"a\nb"', '"\\xZZ"']) assert.throws(() => unquote(bad), /invalid syntax|unterminated/, bad);
  });

  it('reads numbers as Prometheus does: Go integer prefixes first (0 = octal), then floats', () => {
    const cases: [string, number][] = [
      ['42', 42], ['010', 8], ['08', 8], ['0x1F', 31], ['0o17', 15], ['0b101', 5], ['1_000', 1000], ['1.5', 1.5], ['.5', 0.5],
      ['5.', 5], ['1e3', 1000], ['1E-2', 0.01], ['-7', -7], ['+Inf', Infinity], ['-inf', -Infinity], ['INF', Infinity],
    ];
    for (const [text, want] of cases) assert.equal(parseNumberLiteral(text), want, text);
    assert.ok(Number.isNaN(parseNumberLiteral('NaN')!));
    assert.equal(parseNumberLiteral('5m'), undefined);
    assert.equal(parseNumberLiteral('1e'), undefined);
  });

  it('reads bucket bounds like Go strconv.ParseFloat', () => {
    assert.equal(parseGoFloat('+Inf'), Infinity);
    assert.equal(parseGoFloat('0.25'), 0.25);
    assert.equal(parseGoFloat('1e-3'), 0.001);
    assert.equal(parseGoFloat('0x1p-2'), 0.25);
    for (const bad of ['', ' 1', 'abc', '0x10', '1_0']) assert.equal(parseGoFloat(bad), undefined, bad);
  });

  it('formats floats like Go FormatFloat(v, \'f\', -1, 64): shortest round-trip digits, no exponent', () => {
    const cases: [number, string][] = [
      [1, '1'], [0.1, '0.1'], [123.456, '123.456'], [1e21, '1000000000000000000000'], [1.5e22, '15000000000000000000000'],
      [1e-7, '0.0000001'], [1.25e-10, '0.000000000125'], [-2.5e-8, '-0.000000025'], [-0, '-0'], [NaN, 'NaN'],
      [Infinity, '+Inf'], [-Infinity, '-Inf'], [5e-324, '0.' + '0'.repeat(323) + '5'],
    ];
    for (const [v, want] of cases) assert.equal(formatFloatPlain(v), want, String(v));
  });
});
