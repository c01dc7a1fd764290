/**
 * Rule evaluation over the real engine never outlives its group's interval
 * and never holds up shutdown: a slow rule fails with Prometheus' timeout
 * error once the interval is used up (later rules of the group fail fast
 * too), the event loop keeps turning meanwhile, and shutdown cancels a
 * running evaluation at once.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEngine } from '../../../agent/promql';
import { MemoryStore } from '../../../agent/store';
import { Group } from '../../../agent/rules/group';
import { RuleManager, systemClock } from '../../../agent/rules/manager';
import { rulesConfigSchema } from '../../../agent/rules/config';
import { engineQueryFunc } from '../../../agent/rules/query-func';
import type { QueryFunc } from '../../../agent/promql/types';
import { waitFor } from '../../helpers/wait';
import { makeHost } from './host';

const HEAVY = 'max_over_time(sum(x)[1h:1ms])';

function store(): MemoryStore {
  const now = Date.now();
  const s = new MemoryStore({ now: () => now });
  for (let i = 0; i < 500; i++) for (let t = now - 3600_000; t <= now; t += 60_000) s.append({ __name__: 'x', i: String(i) }, t, i);
  return s;
}

describe('rule evaluation deadline', function () {
  this.timeout(20_000);
  const s = store();
  const query = engineQueryFunc(createEngine(s));

  it('stops a group at its interval: the slow rule and the rest fail with timeout, the loop keeps turning', async () => {
    const g = new Group({
      file: 'f.yaml', name: 'slow', limit: 0, queryOffset: 0, interval: 300,
      rules: [
        { kind: 'record', name: 'slow:max', expr: HEAVY, for: 0, keepFiringFor: 0, labels: {}, annotations: {} },
        { kind: 'record', name: 'fast:count', expr: 'count(x)', for: 0, keepFiringFor: 0, labels: {}, annotations: {} },
      ],
    }, { interval: 60_000, externalLabels: {}, externalURL: '', resendDelay: 60_000 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = performance.now();
    await g.eval(Date.now(), { query, notify: () => undefined });
    const took = performance.now() - t0;
    clearInterval(timer);
    assert.ok(took >= 290 && took < 1000, `took ${took} ms`);
    assert.ok(ticks >= 10, `a 5 ms timer ran only ${ticks} times`);
    assert.equal(g.rules[0].health, 'err');
    assert.match(g.rules[0].lastError!, /query timed out in expression evaluation/);
    assert.equal(g.rules[1].health, 'err', 'no time is left for the next rule');
    assert.match(g.rules[1].lastError!, /timed out/);

    // Given time, the same group is healthy for its cheap rule.
    const ok = new Group({
      file: 'f.yaml', name: 'fast', limit: 0, queryOffset: 0, interval: 5000,
      rules: [{ kind: 'record', name: 'fast:count', expr: 'count(x)', for: 0, keepFiringFor: 0, labels: {}, annotations: {} }],
    }, { interval: 60_000, externalLabels: {}, externalURL: '', resendDelay: 60_000 });
    await ok.eval(Date.now(), { query, notify: () => undefined });
    assert.equal(ok.rules[0].health, 'ok', ok.rules[0].lastError);
  });

  it('counts a group cut short by its deadline', async () => {
    const host = makeHost();
    try {
      writeFileSync(path.join(host.storageDir, 'slow.rules.yaml'), `groups:\n  - name: slow\n    interval: 1s\n    rules:\n      - record: slow:max\n        expr: ${HEAVY}\n`);
      const clock = { ...systemClock, setTimeout: (fn: () => void | Promise<void>) => systemClock.setTimeout(fn, 0) };
      const m = new RuleManager({
        config: rulesConfigSchema.parse({ files: ['slow.rules.yaml'], default_pack: { enabled: false } }),
        baseDir: host.storageDir, query, clock, mountApi: false, persist: false,
      });
      await m.start(host);
      try {
        await waitFor(async () => await host.counter('lookout_rule_group_timeouts') >= 1, { timeoutMs: 5000, what: 'a group timeout' });
        const rule = m.groups()[0].rules[0];
        assert.match(rule.lastError!, /query timed out/);
        assert.ok(rule.evaluationTime >= 0.95 && rule.evaluationTime < 2, `evaluation took ${rule.evaluationTime} s`);
      } finally {
        await m.shutdown();
      }
    } finally {
      await host.cleanup();
    }
  });

  it('shutdown cancels a running evaluation at once', async () => {
    const host = makeHost();
    try {
      writeFileSync(path.join(host.storageDir, 'slow.rules.yaml'), `groups:\n  - name: slow\n    interval: 20s\n    rules:\n      - record: slow:max\n        expr: ${HEAVY}\n`);
      let started = 0;
      const spy: QueryFunc = (expr, t, opts) => { started++; return query(expr, t, opts); };
      // A clock whose first slot is now: the evaluation starts at once.
      const clock = { ...systemClock, setTimeout: (fn: () => void | Promise<void>) => systemClock.setTimeout(fn, 0) };
      const m = new RuleManager({
        config: rulesConfigSchema.parse({ files: ['slow.rules.yaml'], default_pack: { enabled: false } }),
        baseDir: host.storageDir, query: spy, clock, mountApi: false, persist: false,
      });
      await m.start(host);
      await waitFor(() => started > 0, { timeoutMs: 5000 });
      const t0 = performance.now();
      await m.shutdown();
      const took = performance.now() - t0;
      assert.ok(took < 500, `shutdown took ${took} ms`);
      const rule = m.groups()[0].rules[0];
      assert.equal(rule.health, 'err');
      assert.match(rule.lastError!, /canceled.*shutting down/);
    } finally {
      await host.cleanup();
    }
  });
});
