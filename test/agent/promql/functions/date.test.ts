import assert from 'node:assert/strict';
import fc from 'fast-check';
import { civil, DATE_FUNCTIONS } from '../../../../agent/promql/functions/date';

describe('promql/functions/date', () => {
  it('agrees with JavaScript Date (UTC) wherever Date can represent the time', () => {
    fc.assert(fc.property(fc.integer({ min: -8.6e12, max: 8.6e12 }), (secs) => {
      const d = new Date(secs * 1000);
      const c = civil(secs);
      assert.equal(c.year, d.getUTCFullYear());
      assert.equal(c.month, d.getUTCMonth() + 1);
      assert.equal(c.day, d.getUTCDate());
      assert.equal(c.weekday, d.getUTCDay());
      assert.equal(c.hour, d.getUTCHours());
      assert.equal(c.minute, d.getUTCMinutes());
      const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
      const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      assert.equal(c.yearDay, Math.round((dayStart - yearStart) / 86_400_000) + 1);
      assert.equal(DATE_FUNCTIONS.days_in_month(c), new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate());
    }), { numRuns: 2000 });
  });

  it('truncates fractional seconds towards zero, like Go\'s int64 conversion', () => {
    assert.equal(civil(-0.5).year, 1970);
    assert.equal(civil(59.9).minute, 0);
    assert.equal(DATE_FUNCTIONS.days_in_month(civil(Date.UTC(2024, 1, 10) / 1000)), 29);
    assert.equal(DATE_FUNCTIONS.days_in_month(civil(Date.UTC(2100, 1, 10) / 1000)), 28);
  });
});
