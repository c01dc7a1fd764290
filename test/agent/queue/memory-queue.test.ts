import assert from 'node:assert/strict';
import { MemoryQueue } from '../../../agent/queue';
import type { ExportTraceServiceRequest } from '../../../agent/otlp/model';

const req = (): ExportTraceServiceRequest => ({ resourceSpans: [] });

describe('MemoryQueue', () => {
  it('refuses offers beyond capacity, counting taken entries as held', () => {
    const q = new MemoryQueue(2);
    assert.ok(q.offer('traces', req(), 5));
    assert.ok(q.offer('logs', req() as never, 1));
    assert.equal(q.offer('traces', req(), 1), false);
    const taken = q.take('traces', 100);
    assert.equal(taken.length, 1);
    assert.equal(q.offer('traces', req(), 1), false, 'a taken entry still holds its place until acked');
    q.ack(taken);
    assert.ok(q.offer('traces', req(), 1));
  });

  it('takes oldest first up to maxItems, at least one entry', () => {
    const q = new MemoryQueue(10);
    q.offer('metrics', req() as never, 3);
    q.offer('metrics', req() as never, 3);
    q.offer('metrics', req() as never, 3);
    assert.deepEqual(q.take('metrics', 7).map((e) => e.items), [3, 3]);
    assert.deepEqual(q.take('metrics', 1).map((e) => e.items), [3], 'an entry larger than maxItems still goes');
    assert.deepEqual(q.take('metrics', 5), []);
  });

  it('nack puts entries back at the front in order; sizes add up per signal', () => {
    const q = new MemoryQueue(10);
    q.offer('traces', req(), 1);
    q.offer('traces', req(), 2);
    q.offer('logs', req() as never, 4);
    const first = q.take('traces', 1);
    assert.deepEqual(q.size('traces'), { entries: 2, items: 3 });
    q.nack(first);
    assert.deepEqual(q.take('traces', 100).map((e) => e.items), [1, 2]);
    assert.deepEqual(q.size(), { entries: 3, items: 7 });
    assert.equal(q.pending('logs').items, 4);
  });
});
