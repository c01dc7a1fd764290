/**
 * Times as Prometheus' JSON shows them: Go's time.Time in RFC 3339 with
 * fractional seconds trimmed of trailing zeros ("2024-05-01T10:00:00.5Z"),
 * and Go's zero time for "never" ("0001-01-01T00:00:00Z").
 */

export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

export function rfc3339(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return GO_ZERO_TIME;
  const iso = new Date(Math.floor(ms)).toISOString();
  // Sub-millisecond precision (from performance timers) is shown as Go would.
  const frac = ms - Math.floor(ms);
  const base = iso.slice(0, 19);
  let digits = iso.slice(20, 23);
  if (frac > 0) digits += String(Math.round(frac * 1e6)).padStart(6, '0');
  digits = digits.replace(/0+$/, '');
  return digits ? `${base}.${digits}Z` : `${base}Z`;
}
