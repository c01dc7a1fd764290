import assert from 'node:assert/strict';
import { intervalContains, parseDayOfMonthRange, parseMonthRange, parseTimeRange, parseWeekdayRange, parseYearRange } from '../../../agent/alerting/timeinterval';

describe('time intervals', () => {
  const t = (iso: string) => Date.parse(iso);
  it('times are [start, end) in the location', () => {
    const spec = { times: [parseTimeRange({ start_time: '09:00', end_time: '17:00' })], location: 'America/New_York' };
    assert.equal(intervalContains(spec, t('2026-03-02T14:00:00Z')), true); // 09:00 EST
    assert.equal(intervalContains(spec, t('2026-03-02T13:59:00Z')), false);
    assert.equal(intervalContains(spec, t('2026-03-02T22:00:00Z')), false); // 17:00 EST: end excluded
  });
  it('weekdays, negative days of month, months and years', () => {
    assert.equal(intervalContains({ weekdays: [parseWeekdayRange('monday:friday')] }, t('2026-03-07T12:00:00Z')), false); // Saturday
    assert.equal(intervalContains({ weekdays: [parseWeekdayRange('monday:friday')] }, t('2026-03-06T12:00:00Z')), true);
    const lastDay = { daysOfMonth: [parseDayOfMonthRange('-1')] };
    assert.equal(intervalContains(lastDay, t('2026-02-28T12:00:00Z')), true);
    assert.equal(intervalContains(lastDay, t('2026-03-28T12:00:00Z')), false);
    assert.equal(intervalContains({ months: [parseMonthRange('december:december'), parseMonthRange('1')] }, t('2026-01-15T00:00:00Z')), true);
    assert.equal(intervalContains({ years: [parseYearRange('2020:2025')] }, t('2026-01-15T00:00:00Z')), false);
  });
  it('rejects bad ranges', () => {
    assert.throws(() => parseTimeRange({ start_time: '17:00', end_time: '09:00' }), /before/);
    assert.throws(() => parseWeekdayRange('funday'), /invalid weekday/);
    assert.throws(() => parseMonthRange('13'), /invalid month/);
  });
});
