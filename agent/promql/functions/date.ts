/**
 * Calendar functions (UTC) on Unix seconds: year, month, day_of_month,
 * day_of_week, day_of_year, days_in_month, hour, minute. Computed from the
 * day number with the proleptic Gregorian calendar, like Go's time package,
 * so dates far outside JavaScript's Date range still work.
 */

interface Civil { year: number; month: number; day: number; weekday: number; yearDay: number; hour: number; minute: number }

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/** Splits Unix seconds (truncated towards zero, as Go's int64 conversion does) into calendar fields. */
export function civil(unixSeconds: number): Civil {
  const secs = Math.trunc(unixSeconds);
  const days = Math.floor(secs / 86400);
  const secOfDay = secs - days * 86400;
  // Howard Hinnant's civil_from_days.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const weekday = (((days + 4) % 7) + 7) % 7;
  const yearDay = DAYS_BEFORE_MONTH[month - 1] + day + (month > 2 && isLeap(year) ? 1 : 0);
  return { year, month, day, weekday, yearDay, hour: Math.floor(secOfDay / 3600), minute: Math.floor((secOfDay % 3600) / 60) };
}

function daysInMonth(c: Civil): number {
  if (c.month === 2) return isLeap(c.year) ? 29 : 28;
  return [4, 6, 9, 11].includes(c.month) ? 30 : 31;
}

export const DATE_FUNCTIONS: Readonly<Record<string, (c: Civil) => number>> = {
  year: (c) => c.year,
  month: (c) => c.month,
  day_of_month: (c) => c.day,
  day_of_week: (c) => c.weekday,
  day_of_year: (c) => c.yearDay,
  days_in_month: daysInMonth,
  hour: (c) => c.hour,
  minute: (c) => c.minute,
};
