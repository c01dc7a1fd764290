import assert from 'node:assert/strict';
import { Throttle } from '../../../instrumentation/preload/throttle';

describe('preload Throttle', () => {
  function setup(maxKeys?: number) {
    let now = 1_000_000;
    const lines: string[] = [];
    const throttle = new Throttle({ intervalMs: 60_000, write: (l) => lines.push(l), now: () => now, maxKeys });
    return { throttle, lines, advance: (ms: number) => (now += ms) };
  }

  it('writes a key at most once per interval and counts what it held back', () => {
    const { throttle, lines, advance } = setup();
    assert.equal(throttle.report('export', 'export failed'), true);
    for (let i = 0; i < 5; i++) {
      advance(10_000);
      assert.equal(throttle.report('export', 'export failed'), false);
    }
    assert.deepEqual(lines, ['export failed']);
    advance(10_000); // 60 s after the first line
    assert.equal(throttle.report('export', 'export failed again'), true);
    assert.deepEqual(lines, ['export failed', 'export failed again (5 more like this in the last 60 s were not shown)']);
  });

  it('throttles keys independently', () => {
    const { throttle, lines } = setup();
    throttle.report('a', 'A');
    throttle.report('b', 'B');
    throttle.report('a', 'A');
    assert.deepEqual(lines, ['A', 'B']);
  });

  it('remembers a bounded number of keys (oldest forgotten first)', () => {
    const { throttle, lines } = setup(2);
    throttle.report('a', 'A1');
    throttle.report('b', 'B1');
    throttle.report('c', 'C1'); // forgets a
    throttle.report('a', 'A2'); // written again: a was forgotten; forgets b
    throttle.report('c', 'C2'); // still remembered: held back
    assert.deepEqual(lines, ['A1', 'B1', 'C1', 'A2']);
  });
});
