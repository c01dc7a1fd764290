/**
 * Regression for issue 8 item 2: JavaScript's backtracking engine took 17 s
 * for `(a+)+b` against 31 characters. RE2 is linear, so every use of that
 * pattern (PromQL selector, silence, route) stays in milliseconds.
 */
import assert from 'node:assert/strict';
import { anchoredRegex, compileRegex, regexCacheSize, REGEX_CACHE_ENTRIES } from '../../../agent/regex';
import { MemoryStore } from '../../../agent/store';
import { createEngine } from '../../../agent/promql';

function elapsedMs(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

describe('regex: linear time on pathological patterns', () => {
  it('(a+)+b against 31 to 100 000 characters', () => {
    for (const n of [31, 1000, 100_000]) {
      const value = 'a'.repeat(n);
      const ms = elapsedMs(() => assert.equal(anchoredRegex('(a+)+b').test(value), false));
      assert.ok(ms < 500, `${n} chars took ${ms} ms`);
    }
    const ms = elapsedMs(() => assert.equal(compileRegex('(.*.*)*X').test('y'.repeat(50_000)), false));
    assert.ok(ms < 500, `(.*.*)*X took ${ms} ms`);
  });

  it('a PromQL selector {job=~"(a+)+b"} over 1000 series with 31+ character values answers in milliseconds', () => {
    const store = new MemoryStore({ retentionMs: 3600_000, now: () => 1_000_000 });
    for (let i = 0; i < 1000; i++) store.append({ __name__: 'up', job: 'a'.repeat(31 + (i % 40)), i: String(i) }, 1_000_000, 1);
    store.append({ __name__: 'up', job: 'aaab', i: 'x' }, 1_000_000, 1);
    const engine = createEngine(store);
    let result: unknown;
    const ms = elapsedMs(() => { result = engine.instantQuery('up{job=~"(a+)+b"}', 1_000_000); });
    assert.ok(ms < 1000, `query took ${ms} ms`);
    assert.equal(JSON.stringify(result).includes('aaab'), true);
    // The other reproduction, on every series name.
    const ms2 = elapsedMs(() => { result = engine.instantQuery('{__name__=~"(.*.*)*X"}', 1_000_000); });
    assert.ok(ms2 < 1000, `query took ${ms2} ms`);
    assert.equal(JSON.stringify(result).includes('aaab'), false);
  });

  it('keeps at most REGEX_CACHE_ENTRIES compiled patterns', () => {
    for (let i = 0; i < REGEX_CACHE_ENTRIES + 50; i++) anchoredRegex(`pattern-${i}`);
    assert.equal(regexCacheSize(), REGEX_CACHE_ENTRIES);
    // The most recent ones are still cached (same object back).
    const last = `pattern-${REGEX_CACHE_ENTRIES + 49}`;
    assert.equal(anchoredRegex(last), anchoredRegex(last));
  });
});
