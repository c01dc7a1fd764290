/**
 * The engine stays out of the event loop's way: a long query gives other
 * work a turn every slice, stops at its deadline with Prometheus' timeout
 * error, stops when its signal aborts, and counts subquery points against
 * the sample budget.
 */
import assert from 'node:assert/strict';
import { MemoryStore } from '../../../agent/store/memory-store';
import { createEngine } from '../../../agent/promql/engine';
import { QueryError } from '../../../agent/promql/types';
import { QueryGate } from '../../../agent/promql/query-gate';

const END = 3600_000;

function bigStore(series: number): MemoryStore {
  const store = new MemoryStore({ now: () => END });
  for (let i = 0; i < series; i++) for (let t = 0; t <= END; t += 60_000) store.append({ __name__: 'x', i: String(i) }, t, i);
  return store;
}

async function queryError(p: Promise<unknown>): Promise<QueryError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof QueryError, String(err));
    return err;
  }
  assert.fail('expected a QueryError');
}

/** Longest gap between two runs of a 1 ms interval timer while p runs. */
async function longestGap(p: Promise<unknown>): Promise<{ gap: number; ticks: number }> {
  let last = performance.now();
  let gap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
    ticks++;
  }, 1);
  try {
    await p.catch(() => undefined);
  } finally {
    clearInterval(timer);
  }
  return { gap, ticks };
}

describe('promql/cooperative evaluation', function () {
  this.timeout(30_000);
  const store = bigStore(2000);
  const engine = createEngine(store, { sliceMs: 5 });
  // Far more work than any timeout below: 3.6 M inner steps over 2 000 series.
  const HEAVY = 'max_over_time(sum(x)[1h:1ms])';

  it('stops a long query at its timeout with errorType timeout, giving the event loop turns meanwhile', async () => {
    const t0 = performance.now();
    const p = engine.instantQueryAsync(HEAVY, END, { timeoutMs: 400 });
    const [err, loop] = await Promise.all([queryError(p), longestGap(p)]);
    const took = performance.now() - t0;
    assert.equal(err.errorType, 'timeout');
    assert.match(err.message, /query timed out in expression evaluation/);
    assert.ok(took >= 390 && took < 1500, `took ${took} ms`);
    assert.ok(loop.ticks > 10, `the timer ran only ${loop.ticks} times in ${took} ms`);
    assert.ok(loop.gap < 250, `the event loop stalled for ${loop.gap} ms`);
  });

  it('caps the timeout parameter at the engine timeout', async () => {
    const short = createEngine(store, { timeoutMs: 200 });
    const t0 = performance.now();
    const err = await queryError(short.instantQueryAsync(HEAVY, END, { timeoutMs: 60_000 }));
    assert.equal(err.errorType, 'timeout');
    assert.ok(performance.now() - t0 < 1200);
  });

  it('stops when its signal aborts, with errorType canceled', async () => {
    const ac = new AbortController();
    const p = engine.instantQueryAsync(HEAVY, END, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('client disconnected')), 50);
    const t0 = performance.now();
    const err = await queryError(p);
    assert.equal(err.errorType, 'canceled');
    assert.match(err.message, /client disconnected/);
    assert.ok(performance.now() - t0 < 1000);
  });

  it('applies the deadline to synchronous queries too', () => {
    const t0 = performance.now();
    assert.throws(() => engine.instantQuery(HEAVY, END, { timeoutMs: 150 }), (err: unknown) => err instanceof QueryError && err.errorType === 'timeout');
    assert.ok(performance.now() - t0 < 1000);
  });

  it('interleaves concurrent queries, and their results match the synchronous ones', async () => {
    const exprs = ['sum(rate(x[5m]))', 'count_over_time(x[30m:1m])', 'topk(3, x)', 'x{i=~"1.*"} * on(i) x'];
    const sync = exprs.map((e) => engine.instantQuery(e, END));
    // One engine, four queries at once, yielding at every check: each must keep its own scratch memory.
    const coop = createEngine(store, { sliceMs: 0 });
    const async = await Promise.all(exprs.map((e) => coop.instantQueryAsync(e, END)));
    assert.deepEqual(async, sync);
    const range = await engine.rangeQueryAsync('sum by (i) (rate(x{i=~"1."}[5m]))', END - 600_000, END, 60_000);
    assert.deepEqual(range, engine.rangeQuery('sum by (i) (rate(x{i=~"1."}[5m]))', END - 600_000, END, 60_000));
  });

  it('counts subquery points against max samples (execution error, not memory)', async () => {
    const small = createEngine(store, { maxSamples: 100_000 });
    const err = await queryError(small.instantQueryAsync('count_over_time(x[1h:1s])', END));
    assert.equal(err.errorType, 'execution');
    assert.match(err.message, /too many samples/);
    // The same budget is enough for the points a plain selector needs.
    assert.equal((await small.instantQueryAsync('count(x)', END)).resultType, 'vector');
  });

  it('frees arenas and keeps answering after limits hit', async () => {
    for (let i = 0; i < 3; i++) await queryError(engine.instantQueryAsync(HEAVY, END, { timeoutMs: 20 }));
    const v = await engine.instantQueryAsync('count(x)', END);
    assert.deepEqual(v, { resultType: 'vector', result: [{ metric: {}, t: END, value: 2000 }] });
  });
});

describe('promql/QueryGate', () => {
  it('runs at most maxConcurrent, queues in order, refuses beyond maxQueued', async () => {
    const gate = new QueryGate(2, 1);
    const r1 = await gate.acquire(1000);
    const r2 = await gate.acquire(1000);
    assert.equal(gate.running, 2);
    let third = false;
    const p3 = gate.acquire(1000).then((r) => { third = true; return r; });
    assert.equal(gate.queued, 1);
    const err = await gate.acquire(1000).catch((e: unknown) => e);
    assert.ok(err instanceof QueryError && err.errorType === 'unavailable', String(err));
    r1();
    r1(); // idempotent
    const r3 = await p3;
    assert.ok(third);
    assert.equal(gate.running, 2);
    r2();
    r3();
    assert.equal(gate.running, 0);
  });

  it('times out and cancels waiting queries, freeing their place', async () => {
    const gate = new QueryGate(1, 4);
    const r1 = await gate.acquire(1000);
    const t = await gate.acquire(30).catch((e: unknown) => e);
    assert.ok(t instanceof QueryError && t.errorType === 'timeout', String(t));
    const ac = new AbortController();
    const p = gate.acquire(10_000, ac.signal).catch((e: unknown) => e);
    ac.abort();
    const c = await p;
    assert.ok(c instanceof QueryError && c.errorType === 'canceled', String(c));
    assert.equal(gate.queued, 0);
    r1();
    assert.equal(gate.running, 0);
  });
});
