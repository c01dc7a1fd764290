import assert from 'node:assert/strict';
import { matches, parseMatchers } from '../../../agent/alerting/matcher';

describe('Alertmanager matchers', () => {
  it('parses the four operators, quoted and unquoted values, and brace lists', () => {
    assert.deepEqual(parseMatchers('severity="critical"'), [{ name: 'severity', type: '=', value: 'critical' }]);
    assert.deepEqual(parseMatchers('b!=c'), [{ name: 'b', type: '!=', value: 'c' }]);
    assert.deepEqual(parseMatchers('a =~ "x|y"'), [{ name: 'a', type: '=~', value: 'x|y' }]);
    assert.deepEqual(parseMatchers('{a!~"z.*", q="say \\"hi\\", ok"}'), [{ name: 'a', type: '!~', value: 'z.*' }, { name: 'q', type: '=', value: 'say "hi", ok' }]);
  });
  it('anchors regexes and treats missing labels as empty', () => {
    const [re] = parseMatchers('a=~"x|y"');
    assert.equal(matches(re, { a: 'x' }), true);
    assert.equal(matches(re, { a: 'xy' }), false);
    assert.equal(matches(parseMatchers('b!=c')[0], {}), true);
    assert.equal(matches(parseMatchers('b=""')[0], {}), true);
  });
  it('rejects malformed matchers with the offending text', () => {
    assert.throws(() => parseMatchers('severity=="x"'), /invalid matcher/);
    assert.throws(() => parseMatchers('1abc="x"'), /invalid matcher/);
    // Alertmanager's (and amtool check-config's) own wording: the anchored expression, back-quoted.
    assert.throws(() => parseMatchers('a=~"("'), { message: 'error parsing regexp: missing closing ): `^(?:()$`' });
    assert.throws(() => parseMatchers('{a="b"'), /closing/);
  });
});

describe('Alertmanager matchers: parsing time', () => {
  it('is linear in the input: 16 KB of spaces in a ?filter= value parses in milliseconds', () => {
    const text = `a=x${' '.repeat(16_000)}y${' \t'.repeat(4000)}`;
    // CPU time, not wall time: other processes on a busy CI machine must not fail this test.
    const t0 = process.cpuUsage();
    for (let i = 0; i < 20; i++) assert.equal(parseMatchers(text)[0].value, `x${' '.repeat(16_000)}y`);
    const used = process.cpuUsage(t0);
    const ms = (used.user + used.system) / 1000;
    assert.ok(ms < 500, `20 parses took ${ms} ms of CPU`);
  });
});
