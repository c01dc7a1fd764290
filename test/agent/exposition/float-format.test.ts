import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatExpositionFloat, formatGoFloatF, formatGoFloatG } from '../../../agent/format/gofloat';

describe('exposition float formatting', () => {
  it("matches Go strconv.FormatFloat(v, 'f', -1, 64)", () => {
    const cases: [number, string][] = [
      [0, '0'], [1, '1'], [-1.5, '-1.5'], [0.1, '0.1'], [1e-7, '0.0000001'], [1.5e-7, '0.00000015'],
      [1e21, '1000000000000000000000'], [123456789.125, '123456789.125'], [1700000000.123, '1700000000.123'],
      [Infinity, '+Inf'], [-Infinity, '-Inf'], [NaN, 'NaN'], [0.005, '0.005'],
    ];
    for (const [v, want] of cases) assert.equal(formatGoFloatF(v), want, String(v));
  });

  it("matches Go strconv.FormatFloat(v, 'g', -1, 64)", () => {
    const cases: [number, string][] = [
      [0.25, '0.25'], [1e6, '1e+06'], [1234567.5, '1.2345675e+06'], [123456, '123456'], [0.0001, '0.0001'],
      [0.00001, '1e-05'], [1.5e-7, '1.5e-07'], [1e100, '1e+100'], [-2.5e-300, '-2.5e-300'],
    ];
    for (const [v, want] of cases) assert.equal(formatGoFloatG(v), want, String(v));
  });

  it('prints integers plainly in exposition and every value round-trips', () => {
    assert.equal(formatExpositionFloat(1234567), '1234567');
    assert.equal(formatExpositionFloat(1e21), '1e+21');
    assert.equal(formatExpositionFloat(0.5), '0.5');
    fc.assert(fc.property(fc.double({ noNaN: true }), (v) => {
      for (const f of [formatGoFloatF, formatGoFloatG, formatExpositionFloat]) {
        const s = f(v).replace('+Inf', 'Infinity').replace('-Inf', '-Infinity');
        if (!Object.is(Number(s), v) && !(v === 0 && Number(s) === 0)) return false;
      }
      return true;
    }), { numRuns: 2000 });
  });
});
