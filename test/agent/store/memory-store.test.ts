import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryStore, type RefusalReason } from '../../../agent/store/memory-store';
import type { Labels } from '../../../agent/store/types';

const A = { __name__: 'req_total', job: 'api' };
const B = { __name__: 'req_total', job: 'web' };

describe('store/memory-store', () => {
  it('appends and selects by matchers and time window, whatever the label order', () => {
    const s = new MemoryStore();
    for (let i = 0; i < 100; i++) {
      assert.ok(s.append(A, i * 1000, i));
      assert.ok(s.append({ job: 'web', __name__: 'req_total' }, i * 1000, -i));
    }
    const res = s.select([{ name: 'job', type: '=', value: 'web' }], 10_000, 12_000);
    assert.equal(res.length, 1);
    assert.deepEqual(res[0].labels, B);
    assert.deepEqual(Array.from(res[0].t), [10_000, 11_000, 12_000]);
    assert.deepEqual(Array.from(res[0].v), [-10, -11, -12]);
    assert.equal(s.seriesCount, 2);
    assert.equal(s.select([{ name: '__name__', type: '=', value: 'req_total' }], 200_000, 300_000).length, 0, 'series without samples in the window are left out');
  });

  it('returns series in Prometheus\' label order, also after new series arrive (cached results are refreshed)', () => {
    const s = new MemoryStore();
    assert.equal(s.sortedByLabels, true);
    const names = (): string[] => s.select([{ name: '__name__', type: '=', value: 'm' }], 0, 10).map((x) => x.labels.k);
    for (const k of ['b', 'a10', 'a']) s.append({ __name__: 'm', k }, 1, 1);
    assert.deepEqual(names(), ['a', 'a10', 'b']);
    s.append({ __name__: 'm', k: 'a2' }, 1, 1);
    assert.deepEqual(names(), ['a', 'a10', 'a2', 'b']);
    s.compact(3600_000 + 2);
    s.append({ __name__: 'm', k: 'c' }, 3600_000 + 3, 1);
    assert.deepEqual(s.select([{ name: '__name__', type: '=', value: 'm' }], 0, Infinity).map((x) => x.labels.k), ['c']);
  });

  it('treats an empty label value as absent', () => {
    const s = new MemoryStore();
    s.append({ __name__: 'x', a: '' }, 1, 1);
    s.append({ __name__: 'x' }, 2, 2);
    assert.equal(s.seriesCount, 1);
    assert.deepEqual(s.select([{ name: 'a', type: '=', value: '' }, { name: '__name__', type: '=', value: 'x' }], 0, 10)[0].labels, { __name__: 'x' });
  });

  it('refuses new series beyond maxSeries: counted, reported, logged at most once per interval, existing series still accepted', () => {
    let clock = 0;
    const refused: [RefusalReason, Labels][] = [];
    const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
    const s = new MemoryStore({
      maxSeries: 2, now: () => clock, logIntervalMs: 60_000,
      onRefused: (r, l) => refused.push([r, l]),
      logger: { warn: (obj, msg) => warnings.push({ obj: obj as Record<string, unknown>, msg }) },
    });
    assert.ok(s.append(A, 1, 1));
    assert.ok(s.append(B, 1, 1));
    assert.equal(s.append({ __name__: 'req_total', job: 'new1' }, 1, 1), false);
    assert.equal(s.append({ __name__: 'req_total', job: 'new2' }, 1, 1), false);
    assert.ok(s.append(A, 2, 2), 'existing series keep working');
    assert.equal(s.seriesCount, 2);
    assert.equal(s.refusedSeries, 2);
    assert.deepEqual(refused.map((r) => r[0]), ['series_limit', 'series_limit']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].msg, /series limit reached/);
    assert.equal(warnings[0].obj.max_series, 2);
    clock = 61_000;
    s.append({ __name__: 'req_total', job: 'new3' }, 1, 1);
    assert.equal(warnings.length, 2);
    assert.equal(warnings[1].obj.similar_suppressed, 1);
    assert.equal(s.stats().refusedSamples.series_limit, 3);
    assert.equal(s.stats().refusedSamples.out_of_order, 0);
  });

  it('refuses out-of-order samples and counts them', () => {
    const s = new MemoryStore();
    s.append(A, 10, 1);
    assert.equal(s.append(A, 5, 1), false);
    assert.equal(s.append(A, 10, 2), false);
    assert.equal(s.append(A, 10, 1), true, 'an identical resend is accepted and ignored');
    assert.equal(s.refusedOutOfOrder, 2);
    assert.equal(s.select([{ name: 'job', type: '=', value: 'api' }], 0, 100)[0].t.length, 1);
  });

  it('rejects unusable input with a descriptive error', () => {
    const s = new MemoryStore();
    assert.throws(() => s.append(A, NaN, 1), /finite number of ms/);
    assert.throws(() => s.append({ a: '' }, 1, 1), /at least one non-empty label/);
    assert.throws(() => new MemoryStore({ maxSeries: 0 }), /maxSeries must be positive/);
  });

  it('compaction drops data older than the retention, whole series when nothing recent is left, and their index entries', () => {
    const s = new MemoryStore({ retentionMs: 60_000 });
    for (let i = 0; i <= 200; i++) s.append(A, i * 1000, i);
    s.append(B, 5000, 1);
    const r = s.compact(200_000);
    assert.equal(r.droppedSeries, 1);
    assert.ok(r.droppedChunks >= 3, `dropped ${r.droppedChunks} chunks`);
    assert.equal(s.seriesCount, 1);
    assert.deepEqual(s.labelValues('job'), ['api']);
    const left = s.select([{ name: 'job', type: '=~', value: '.*' }, { name: '__name__', type: '=', value: 'req_total' }], -Infinity, Infinity);
    assert.equal(left.length, 1);
    assert.ok(left[0].t[0] >= 200_000 - 60_000 - 32_000, `oldest kept ${left[0].t[0]}`);
    assert.equal(left[0].t[left[0].t.length - 1], 200_000);
    assert.ok(s.append(B, 300_000, 1), 'a dropped series can come back');
  });

  it('returns staleness markers with selections and leaves stale series out of allSeriesLatest', () => {
    const s = new MemoryStore();
    s.append(A, 1000, 1);
    s.append(B, 1000, 2);
    s.markStale(A, 2000);
    s.markStale({ __name__: 'unknown' }, 2000);
    const sel = s.select([{ name: '__name__', type: '=', value: 'req_total' }], 0, 5000);
    assert.deepEqual(sel.map((x) => [x.labels.job, Array.from(x.staleT)]), [['api', [2000]], ['web', []]]);
    assert.deepEqual([...s.allSeriesLatest()], [{ labels: B, t: 1000, v: 2 }]);
    s.append(A, 3000, 5);
    assert.deepEqual([...s.allSeriesLatest()].map((x) => x.labels.job).sort(), ['api', 'web']);
  });

  it('answers label names and values, optionally restricted by matchers', () => {
    const s = new MemoryStore();
    s.append(A, 1, 1);
    s.append({ __name__: 'up', instance: 'x' }, 1, 1);
    assert.deepEqual(s.labelNames(), ['__name__', 'instance', 'job']);
    assert.deepEqual(s.labelNames([{ name: '__name__', type: '=', value: 'up' }]), ['__name__', 'instance']);
    assert.deepEqual(s.labelValues('__name__'), ['req_total', 'up']);
    assert.deepEqual(s.labelValues('__name__', [{ name: 'job', type: '=', value: 'api' }]), ['req_total']);
  });

  it('keeps metadata per metric family', () => {
    const s = new MemoryStore();
    s.setMetadata('req_total', { type: 'counter', help: 'Requests.', unit: '' });
    s.setMetadata('req_total', { type: 'counter', help: 'All requests.', unit: '' });
    assert.deepEqual([...s.metadata()], [['req_total', { type: 'counter', help: 'All requests.', unit: '' }]]);
  });

  it('selects exactly what a naive model of the appended samples holds (any matchers, any window)', () => {
    const labelSets: Labels[] = [
      { __name__: 'a', x: '1' }, { __name__: 'a', x: '2', y: 'p' }, { __name__: 'b', x: '1', y: 'q' }, { __name__: 'b' },
    ];
    const matcher = fc.record({
      name: fc.constantFrom('__name__', 'x', 'y'),
      type: fc.constantFrom('=', '!=', '=~', '!~') as fc.Arbitrary<'=' | '!=' | '=~' | '!~'>,
      value: fc.constantFrom('', 'a', 'b', '1', '2', 'p', '.*', 'a|b', '[12]', 'q?'),
    });
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 5000 }), fc.double({ noNaN: true })), { maxLength: 300 }),
      fc.array(matcher, { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 200_000 }),
      (appends, matchers, a, b) => {
        const s = new MemoryStore();
        const model = new Map<number, { t: number[]; v: number[] }>();
        const clock = [0, 0, 0, 0];
        for (const [which, dt, v] of appends) {
          clock[which] += dt;
          assert.ok(s.append(labelSets[which], clock[which], v));
          if (!model.has(which)) model.set(which, { t: [], v: [] });
          model.get(which)!.t.push(clock[which]);
          model.get(which)!.v.push(v);
        }
        const [mint, maxt] = a <= b ? [a, b] : [b, a];
        const got = new Map(s.select(matchers, mint, maxt).map((x) => [JSON.stringify(x.labels), [Array.from(x.t), Array.from(x.v)]]));
        const want = new Map<string, number[][]>();
        for (const [which, data] of model) {
          const l = labelSets[which] as Record<string, string>;
          const ok = matchers.every((m) => {
            const val = l[m.name] ?? '';
            const re = new RegExp(`^(?:${m.value})$`);
            return m.type === '=' ? val === m.value : m.type === '!=' ? val !== m.value : m.type === '=~' ? re.test(val) : !re.test(val);
          });
          if (!ok) continue;
          const idx = data.t.map((t, i) => [t, i]).filter(([t]) => t >= mint && t <= maxt).map(([, i]) => i);
          if (idx.length === 0) continue;
          const sorted = Object.fromEntries(Object.entries(l).sort(([x], [y]) => (x < y ? -1 : 1)));
          want.set(JSON.stringify(sorted), [idx.map((i) => data.t[i]), idx.map((i) => data.v[i])]);
        }
        assert.deepEqual(got, want);
      },
    ), { numRuns: 200 });
  });
});

describe('store/labels', () => {
  // Imported lazily to keep this file's focus on the store's behaviour.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { labelsHash, sameLabels } = require('../../../agent/store/labels') as typeof import('../../../agent/store/labels');

  it('hashes label sets independently of property order and empty values; distinguishes boundaries', () => {
    assert.equal(labelsHash({ a: '1', b: '2' }), labelsHash({ b: '2', a: '1', c: '' }));
    assert.notEqual(labelsHash({ a: '1b' }), labelsHash({ a: '1', b: '' }));
    assert.notEqual(labelsHash({ ab: 'c' }), labelsHash({ a: 'bc' }));
    assert.ok(Number.isSafeInteger(labelsHash({ x: 'y' })));
    assert.ok(sameLabels({ a: '1' }, { a: '1', b: '' }));
    assert.ok(!sameLabels({ a: '1' }, { a: '1', b: '2' }));
    assert.ok(!sameLabels({ a: '1', b: '2' }, { a: '1' }));
  });
});
