import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeChunkInto, encodeChunk } from '../../../agent/store/xor-chunk';

function roundTrip(t: number[], v: number[]): { t: number[]; v: number[]; bytes: number } {
  const chunk = encodeChunk(t, v, t.length);
  const outT = new Float64Array(t.length);
  const outV = new Float64Array(t.length);
  const end = decodeChunkInto(chunk, outT, outV, 0);
  assert.equal(end, t.length);
  assert.equal(chunk.count, t.length);
  assert.equal(chunk.minT, t[0]);
  assert.equal(chunk.maxT, t[t.length - 1]);
  return { t: [...outT], v: [...outV], bytes: chunk.bytes.length };
}

describe('store/xor-chunk', () => {
  it('round-trips any ascending timestamps and any float64, bit for bit (NaN payloads, -0, infinities)', () => {
    const anyDouble = fc.oneof(
      fc.double(),
      fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, Number.MIN_VALUE, Number.MAX_VALUE),
      fc.integer({ min: -1000, max: 1000 }),
    );
    fc.assert(fc.property(
      fc.integer({ min: -1e12, max: 4e12 }),
      fc.array(fc.tuple(fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 3e9 }), fc.constant(15_000)), anyDouble), { minLength: 1, maxLength: 60 }),
      (start, steps) => {
        const t: number[] = [];
        const v: number[] = [];
        let ts = start;
        for (const [dt, value] of steps) {
          ts += dt;
          t.push(ts);
          v.push(value);
        }
        const out = roundTrip(t, v);
        assert.deepEqual(out.t, t);
        for (let i = 0; i < v.length; i++) assert.ok(Object.is(out.v[i], v[i]), `value ${i}: ${out.v[i]} vs ${v[i]}`);
      },
    ), { numRuns: 300 });
  });

  it('stores a regularly scraped counter in about 2 bytes per sample', () => {
    const t = Array.from({ length: 32 }, (_, i) => 1.7e12 + i * 15_000);
    const v = Array.from({ length: 32 }, (_, i) => 1000 + i * 7);
    const out = roundTrip(t, v);
    assert.ok(out.bytes / 32 < 3, `${out.bytes / 32} bytes per sample`);
  });

  it('keeps fractional millisecond timestamps exact', () => {
    const out = roundTrip([0.5, 1.25, 1e12 + 0.125], [1, 2, 3]);
    assert.deepEqual(out.t, [0.5, 1.25, 1e12 + 0.125]);
  });

  it('refuses an empty chunk', () => {
    assert.throws(() => encodeChunk([], [], 0), /at least one sample/);
  });
});
