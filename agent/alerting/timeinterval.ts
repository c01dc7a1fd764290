/**
 * Alertmanager's time intervals (time_intervals:, used by a route's
 * mute_time_intervals / active_time_intervals): an instant is inside an
 * interval when every field given (times, weekdays, days_of_month, months,
 * years) has a range containing it, read in the interval's location (IANA
 * zone, default UTC). Times are [start, end) in minutes of the day.
 */
export interface Range { begin: number; end: number }

export interface TimeIntervalSpec {
  times?: Range[];
  weekdays?: Range[];
  daysOfMonth?: Range[];
  months?: Range[];
  years?: Range[];
  /** IANA zone name; undefined = UTC, "Local" = the agent's zone. */
  location?: string;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

export function parseClock(text: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`invalid time ${JSON.stringify(text)}: use HH:MM (24h), e.g. 09:00`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) throw new Error(`invalid time ${JSON.stringify(text)}: out of range 00:00..24:00`);
  return h * 60 + min;
}

export function parseTimeRange(r: { start_time: string; end_time: string }): Range {
  const begin = parseClock(r.start_time);
  const end = parseClock(r.end_time);
  if (begin >= end) throw new Error(`start_time ${r.start_time} must be before end_time ${r.end_time}`);
  return { begin, end };
}

function parseNamedOrNumber(tok: string, names: string[] | undefined, what: string, min: number, max: number): number {
  const lower = tok.trim().toLowerCase();
  if (names) {
    const idx = names.indexOf(lower);
    if (idx >= 0) return names === WEEKDAYS ? idx : idx + 1;
  }
  if (/^-?\d+$/.test(lower)) {
    const n = Number(lower);
    if (n >= min && n <= max && n !== 0) return n;
  }
  throw new Error(`invalid ${what} ${JSON.stringify(tok)}${names ? ` (use ${names === WEEKDAYS ? 'monday..sunday' : 'january..december or 1..12'})` : ''}`);
}

/** "a" or "a:b" (inclusive), named or numeric. */
function parseInclusive(text: string, names: string[] | undefined, what: string, min: number, max: number): Range {
  const parts = text.split(':');
  if (parts.length > 2) throw new Error(`invalid ${what} range ${JSON.stringify(text)}: use a or a:b`);
  const begin = parseNamedOrNumber(parts[0], names, what, min, max);
  const end = parts.length === 2 ? parseNamedOrNumber(parts[1], names, what, min, max) : begin;
  const sameSign = (begin < 0) === (end < 0);
  if (sameSign && begin > end) throw new Error(`invalid ${what} range ${JSON.stringify(text)}: start after end`);
  return { begin, end };
}

export function parseWeekdayRange(text: string): Range {
  if (/^\d/.test(text.trim())) throw new Error(`invalid weekday ${JSON.stringify(text)}: use day names, e.g. monday:friday`);
  return parseInclusive(text, WEEKDAYS, 'weekday', 0, 6);
}
export function parseDayOfMonthRange(text: string): Range { return parseInclusive(text, undefined, 'day of month', -31, 31); }
export function parseMonthRange(text: string): Range { return parseInclusive(text, MONTHS, 'month', 1, 12); }
export function parseYearRange(text: string): Range { return parseInclusive(text, undefined, 'year', 1, 9999); }

export function checkLocation(name: string): void {
  if (name === 'Local' || name === 'UTC') return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    throw new Error(`unknown time zone ${JSON.stringify(name)} (use an IANA name such as Europe/Berlin, or UTC/Local)`);
  }
}

interface LocalTime { year: number; month: number; day: number; weekday: number; minuteOfDay: number }

const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(t: number, location: string | undefined): LocalTime {
  const zone = location === 'Local' ? undefined : (location ?? 'UTC');
  const key = zone ?? '(local)';
  let fmt = formatters.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
      weekday: 'long', hourCycle: 'h23',
    });
    formatters.set(key, fmt);
  }
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(new Date(t))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS.indexOf(parts.weekday.toLowerCase()),
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

function inAny(ranges: Range[] | undefined, v: number): boolean {
  return !ranges || ranges.some((r) => v >= r.begin && v <= r.end);
}

export function intervalContains(spec: TimeIntervalSpec, t: number): boolean {
  const lt = localTime(t, spec.location);
  if (spec.times && !spec.times.some((r) => lt.minuteOfDay >= r.begin && lt.minuteOfDay < r.end)) return false;
  if (!inAny(spec.weekdays, lt.weekday)) return false;
  if (spec.daysOfMonth) {
    const daysInMonth = new Date(Date.UTC(lt.year, lt.month, 0)).getUTCDate();
    const ok = spec.daysOfMonth.some((r) => {
      // Negative days count from the month's end (-1 = last day), clamped like Alertmanager.
      const b = r.begin < 0 ? Math.max(1, daysInMonth + r.begin + 1) : r.begin;
      const e = r.end < 0 ? daysInMonth + r.end + 1 : Math.min(r.end, daysInMonth);
      return lt.day >= b && lt.day <= e;
    });
    if (!ok) return false;
  }
  if (!inAny(spec.months, lt.month)) return false;
  if (!inAny(spec.years, lt.year)) return false;
  return true;
}

/** Named intervals: the name is active when any of its intervals contains t. */
export class TimeIntervals {
  constructor(private readonly byName: ReadonlyMap<string, TimeIntervalSpec[]>) {}

  has(name: string): boolean { return this.byName.has(name); }

  active(name: string, t: number): boolean {
    return (this.byName.get(name) ?? []).some((spec) => intervalContains(spec, t));
  }
}
