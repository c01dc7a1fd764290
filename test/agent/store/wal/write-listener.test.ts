/**
 * The store's persistence hook: the listener hears every accepted change in
 * order (and nothing refused or ignored), restoreSeries keeps ids, and
 * replaying through a fresh series gives the same state (exportState /
 * importState).
 */
import assert from 'node:assert/strict';
import { MemoryStore, type StoreWriteListener } from '../../../../agent/store/memory-store';
import type { Labels, MetricMetadata } from '../../../../agent/store/types';

class Recorder implements StoreWriteListener {
  readonly calls: string[] = [];
  seriesCreated(id: number, labels: Labels): void { this.calls.push(`series ${id} ${JSON.stringify(labels)}`); }
  sampleAppended(id: number, t: number, v: number): void { this.calls.push(`sample ${id} ${t} ${v}`); }
  markedStale(id: number, t: number): void { this.calls.push(`stale ${id} ${t}`); }
  metadataSet(name: string, m: MetricMetadata): void { this.calls.push(`meta ${name} ${m.type}`); }
}

describe('store write listener (persistence hook)', () => {
  it('hears accepted changes in order, never refused, duplicate or ignored ones', () => {
    const store = new MemoryStore({ maxSeries: 1 });
    const r = new Recorder();
    store.setWriteListener(r);
    store.append({ __name__: 'a' }, 1000, 1);
    store.append({ __name__: 'a' }, 1000, 1); // identical resend: ignored
    store.append({ __name__: 'a' }, 500, 2); // out of order: refused
    store.append({ __name__: 'b' }, 1000, 1); // beyond max_series: refused
    store.markStale({ __name__: 'a' }, 2000);
    store.markStale({ __name__: 'a' }, 1500); // not newer: ignored
    store.markStale({ __name__: 'zzz' }, 3000); // no such series
    store.setMetadata('a', { type: 'gauge', help: '', unit: '' });
    store.append({ __name__: 'a' }, 3000, 3);
    store.setWriteListener(undefined);
    store.append({ __name__: 'a' }, 4000, 4);
    assert.deepEqual(r.calls, ['series 1 {"__name__":"a"}', 'sample 1 1000 1', 'stale 1 2000', 'meta a gauge', 'sample 1 3000 3']);
  });

  it('restoreSeries keeps the id it is given while ids increase, and later series get fresh ones', () => {
    const store = new MemoryStore();
    const s = store.restoreSeries(42, { __name__: 'x', job: 'j' })!;
    assert.equal(s.id, 42);
    assert.equal(store.restoreSeries(7, { __name__: 'x', job: 'j' }), s, 'an existing series is returned as is');
    const lower = store.restoreSeries(3, { __name__: 'w' })!;
    assert.equal(lower.id, 43, 'a lower id would break the postings order: a fresh one instead');
    assert.deepEqual(store.select([{ name: '__name__', type: '=~', value: 'w|x' }], 0, 1).map((d) => d.labels.__name__), [], 'no samples yet');
    const r = new Recorder();
    store.setWriteListener(r);
    store.append({ __name__: 'y' }, 1, 1);
    assert.equal(r.calls[0], 'series 44 {"__name__":"y"}');
  });

  it('exportState / importState carry chunks, head, markers and the last sample', () => {
    const a = new MemoryStore();
    for (let i = 0; i < 100; i++) a.append({ __name__: 'c' }, i * 1000, i * 3);
    a.markStale({ __name__: 'c' }, 200_000);
    const [src] = a.persistedSeries();
    const b = new MemoryStore();
    const dst = b.restoreSeries(src.id, src.labels)!;
    dst.importState(src.exportState());
    assert.deepEqual(b.select([{ name: '__name__', type: '=', value: 'c' }], 0, 300_000), a.select([{ name: '__name__', type: '=', value: 'c' }], 0, 300_000));
    assert.equal(dst.isStale, true);
    assert.equal(b.append({ __name__: 'c' }, 150_000, 1), false, 'not newer than the restored marker');
  });
});
