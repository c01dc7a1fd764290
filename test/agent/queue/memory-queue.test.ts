import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryQueue, queueUsage, type QueueEntry } from '../../../agent/queue';
import { SIGNALS, type Signal, type SignalData } from '../../../agent/otlp/model';

const req = <S extends Signal>(signal: S): SignalData[S] => ({ traces: { resourceSpans: [] }, metrics: { resourceMetrics: [] }, logs: { resourceLogs: [] } })[signal] as SignalData[S];

describe('MemoryQueue', () => {
  it('holds encoded bytes: changing the offered request afterwards changes nothing queued', () => {
    const q = new MemoryQueue(10);
    const data = { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'original', traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2) }] }] }] } as unknown as SignalData['traces'];
    q.offer('traces', data, 1);
    (data.resourceSpans[0].scopeSpans[0].spans[0] as { name: string }).name = 'mutated';
    const [e] = q.take('traces', 10);
    assert.ok(e.encoded && e.encoded.byteLength > 0);
    assert.equal((e.data as SignalData['traces']).resourceSpans[0].scopeSpans[0].spans[0].name, 'original');
  });

  it('sizer requests: refuses offers beyond capacity, counting taken entries as held', () => {
    const q = new MemoryQueue(2, { sizer: 'requests' });
    assert.ok(q.offer('traces', req('traces'), 5));
    assert.ok(q.offer('traces', req('traces'), 1));
    assert.equal(q.offer('traces', req('traces'), 1), false);
    const taken = q.take('traces', 100);
    assert.equal(taken.length, 2);
    assert.equal(q.offer('traces', req('traces'), 1), false, 'a taken entry holds its place until acked');
    q.ack(taken.slice(0, 1));
    assert.ok(q.offer('traces', req('traces'), 1));
    assert.equal(queueUsage(q, 'traces'), 2);
  });

  it('each signal has its own capacity', () => {
    const q = new MemoryQueue(1, { sizer: 'requests' });
    assert.ok(q.offer('traces', req('traces'), 1));
    assert.ok(q.offer('logs', req('logs'), 1));
    assert.ok(q.offer('metrics', req('metrics'), 1));
    assert.equal(q.offer('logs', req('logs'), 1), false);
    assert.deepEqual(q.size(), { entries: 3, items: 3 });
  });

  it('sizer items (default): capacity counts items; an oversize request fits only into an empty queue', () => {
    const q = new MemoryQueue(10);
    assert.equal(q.sizer, 'items');
    assert.ok(q.offer('traces', req('traces'), 6));
    assert.equal(q.offer('traces', req('traces'), 5), false, '6 + 5 > 10');
    assert.ok(q.offer('traces', req('traces'), 4));
    assert.equal(queueUsage(q, 'traces'), 10);
    q.ack(q.take('traces', 100));
    assert.ok(q.offer('traces', req('traces'), 50), 'alone it may exceed the capacity, else it could never be accepted');
    assert.equal(q.offer('traces', req('traces'), 1), false);
  });

  it('takes oldest first up to maxItems, at least one entry', () => {
    const q = new MemoryQueue(100);
    for (const n of [3, 3, 3]) q.offer('metrics', req('metrics'), n);
    assert.deepEqual(q.take('metrics', 7).map((e) => e.items), [3, 3]);
    assert.deepEqual(q.take('metrics', 1).map((e) => e.items), [3], 'an entry larger than maxItems still goes');
    assert.deepEqual(q.take('metrics', 5), []);
  });

  it('pending reports waiting entries, their items and the oldest enqueue time', () => {
    let t = 1000;
    const q = new MemoryQueue(100, { now: () => t++ });
    assert.deepEqual(q.pending('logs'), { entries: 0, items: 0, oldestAt: undefined });
    q.offer('logs', req('logs'), 2);
    q.offer('logs', req('logs'), 3);
    assert.deepEqual(q.pending('logs'), { entries: 2, items: 5, oldestAt: 1000 });
    const first = q.take('logs', 2);
    assert.deepEqual(q.pending('logs'), { entries: 1, items: 3, oldestAt: 1001 });
    q.nack(first);
    assert.deepEqual(q.pending('logs'), { entries: 2, items: 5, oldestAt: 1000 });
  });

  it('nack puts entries back at the front in their order', () => {
    const q = new MemoryQueue(100);
    for (const n of [1, 2, 3, 4]) q.offer('traces', req('traces'), n);
    const a = q.take('traces', 3); // [1, 2]
    q.nack(a);
    assert.deepEqual(q.take('traces', 100).map((e) => e.items), [1, 2, 3, 4]);
  });

  it('behaves like a simple model under random offer/take/ack/nack sequences (property)', () => {
    type Op = { op: 'offer'; signal: Signal; items: number } | { op: 'take'; signal: Signal; max: number } | { op: 'ack' | 'nack'; pick: number };
    const signal = fc.constantFrom<Signal>(...SIGNALS);
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('offer' as const), signal, items: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ op: fc.constant('take' as const), signal, max: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ op: fc.constantFrom('ack' as const, 'nack' as const), pick: fc.nat() }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 300 }), fc.integer({ min: 1, max: 20 }), (ops, capacity) => {
      const q = new MemoryQueue(capacity);
      const waiting: Record<Signal, QueueEntry[]> = { traces: [], metrics: [], logs: [] };
      const batches: QueueEntry[][] = [];
      const held = (s: Signal) => waiting[s].reduce((n, e) => n + e.items, 0) + batches.flat().filter((e) => e.signal === s).reduce((n, e) => n + e.items, 0);
      const heldEntries = (s: Signal) => waiting[s].length + batches.flat().filter((e) => e.signal === s).length;
      for (const o of ops) {
        if (o.op === 'offer') {
          const fits = heldEntries(o.signal) === 0 || held(o.signal) + o.items <= capacity;
          assert.equal(q.offer(o.signal, req(o.signal), o.items), fits);
          if (fits) waiting[o.signal].push({ id: 0, signal: o.signal, data: req(o.signal), items: o.items, enqueuedAt: 0 });
        } else if (o.op === 'take') {
          const got = q.take(o.signal, o.max);
          let n = 0;
          let items = 0;
          while (n < waiting[o.signal].length && (n === 0 || items + waiting[o.signal][n].items <= o.max)) items += waiting[o.signal][n++].items;
          assert.deepEqual(got.map((e) => e.items), waiting[o.signal].splice(0, n).map((e) => e.items));
          if (got.length) batches.push(got);
        } else if (batches.length) {
          const [batch] = batches.splice(o.pick % batches.length, 1);
          if (o.op === 'ack') q.ack(batch);
          else waiting[batch[0].signal].unshift(...batch);
          if (o.op === 'nack') q.nack(batch);
        }
        for (const s of SIGNALS) {
          assert.deepEqual(q.size(s), { entries: heldEntries(s), items: held(s) });
          assert.equal(q.pending(s).entries, waiting[s].length);
        }
      }
    }), { numRuns: 150 });
  });

  it('keeps order across many takes and nacks (consumed prefix compaction)', () => {
    const q = new MemoryQueue(10_000, { sizer: 'requests' });
    const ids: number[] = [];
    for (let i = 0; i < 3000; i++) q.offer('traces', req('traces'), 1);
    for (let i = 0; i < 2500; i++) {
      const [e] = q.take('traces', 1);
      if (i % 500 === 499) q.nack([e]); // goes back to the front: taken again next
      else { ids.push(e.id); q.ack([e]); }
    }
    const rest = q.take('traces', 10_000);
    for (const e of rest) ids.push(e.id);
    assert.deepEqual(ids, Array.from({ length: 3000 }, (_, i) => i + 1), 'every entry exactly once, in order');
    assert.deepEqual(q.size('traces'), { entries: rest.length, items: rest.length }, 'only the last take is still held');
    assert.equal(q.pending('traces').entries, 0);
  });

  it('refuses a nonsensical capacity', () => {
    assert.throws(() => new MemoryQueue(0), /positive integer, got 0/);
    assert.throws(() => new MemoryQueue(1.5), /positive integer/);
  });
});
