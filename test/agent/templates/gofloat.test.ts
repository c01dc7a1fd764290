import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatFloat } from '../../../agent/templates/gofloat';

describe("Go's strconv.FormatFloat", () => {
  it('prints shortest forms as Go does (%v, %e, %E)', () => {
    const cases: [number, 'e' | 'E' | 'g', number, string][] = [
      [1234567, 'g', -1, '1.234567e+06'], [1e6, 'g', -1, '1e+06'], [100000, 'g', -1, '100000'],
      [0.0001, 'g', -1, '0.0001'], [0.00001, 'g', -1, '1e-05'], [1e21, 'g', -1, '1e+21'], [-0, 'g', -1, '-0'],
      [5e-324, 'g', -1, '5e-324'], [0, 'g', -1, '0'], [1, 'e', -1, '1e+00'], [1.5, 'e', -1, '1.5e+00'],
      [0.09090909090909091, 'E', -1, '9.090909090909091E-02'], [0, 'E', -1, '0E+00'],
      [NaN, 'g', -1, 'NaN'], [Infinity, 'e', -1, '+Inf'], [-Infinity, 'g', 4, '-Inf'],
    ];
    for (const [x, f, p, want] of cases) assert.equal(formatFloat(x, f, p), want, `${x} ${f} ${p}`);
  });

  it('rounds exact ties half to even, like Go and unlike toFixed', () => {
    assert.equal(formatFloat(12345, 'g', 4), '1.234e+04');
    assert.equal(formatFloat(0.125, 'f', 2), '0.12');
    assert.equal(formatFloat(2.5, 'f', 0), '2');
    assert.equal(formatFloat(3.5, 'f', 0), '4');
    assert.equal(formatFloat(0.5, 'f', 0), '0');
    // Not ties: the binary value of 0.15 is below, of 0.05 above the midpoint.
    assert.equal(formatFloat(0.15, 'f', 1), '0.1');
    assert.equal(formatFloat(0.05, 'f', 1), '0.1');
    assert.equal(formatFloat(9.9999, 'g', 4), '10');
    assert.equal(formatFloat(999.96, 'g', 4), '1000');
    assert.equal(formatFloat(0.009, 'f', 2), '0.01');
  });

  it('%g with a precision drops trailing zeros and picks %e by exponent', () => {
    assert.equal(formatFloat(1.5, 'g', 4), '1.5');
    assert.equal(formatFloat(100, 'g', 4), '100');
    assert.equal(formatFloat(123456.789, 'e', 6), '1.234568e+05');
    assert.equal(formatFloat(0.000123, 'E', 6), '1.230000E-04');
    assert.equal(formatFloat(1e100, 'g', -1), '1e+100');
  });

  it('shortest output reads back as the same double', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      for (const f of ['e', 'g'] as const) {
        const s = formatFloat(x, f, -1);
        assert.ok(Object.is(Number(s), x) || (x === 0 && Number(s) === 0), `${x} -> ${s}`);
      }
    }), { numRuns: 2000 });
  });

  it('fixed precision is within half a unit of the last place', () => {
    fc.assert(fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), fc.integer({ min: 0, max: 8 }), (x, p) => {
      const s = formatFloat(x, 'f', p);
      assert.match(s, p === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${p}}$`));
      assert.ok(Math.abs(Number(s) - x) <= 0.5 * 10 ** -p * (1 + 1e-9) + Math.abs(x) * 1e-15, `${x} %.${p}f -> ${s}`);
    }), { numRuns: 2000 });
  });
});
