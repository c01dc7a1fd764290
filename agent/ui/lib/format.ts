/**
 * Number, duration, time and label formatting for the web UI. Pure (no DOM),
 * so the page and the unit tests share it.
 */

/** 1234567 -> "1,234,567"; 0.000123 -> "0.000123"; NaN/Inf spelled like Prometheus. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toLocaleString('en-US');
  const abs = Math.abs(v);
  if (abs >= 1e15 || abs < 1e-4) return v.toExponential(3);
  return Number(v.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

const SI = [
  { div: 1e12, suffix: 'T' }, { div: 1e9, suffix: 'G' }, { div: 1e6, suffix: 'M' }, { div: 1e3, suffix: 'k' },
];

/** Compact: 1234 -> "1.23k", 5 -> "5", 0.25 -> "0.25" (for cards and axes). */
export function formatCompact(v: number): string {
  if (!Number.isFinite(v)) return formatNumber(v);
  const abs = Math.abs(v);
  for (const { div, suffix } of SI) if (abs >= div) return `${Number((v / div).toPrecision(3))}${suffix}`;
  return abs === 0 || abs >= 0.001 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

/** Bytes in binary units: 1536 -> "1.5 KiB". */
export function formatBytes(v: number): string {
  if (!Number.isFinite(v)) return formatNumber(v);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = Math.abs(v);
  while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
  return `${v < 0 ? '-' : ''}${i === 0 ? x : Number(x.toPrecision(3))} ${units[i]}`;
}

/**
 * A duration in seconds, at a precision that suits its size: "850µs",
 * "12.3ms", "4.2s", "3m 20s", "2h 5m", "3d 4h".
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return formatNumber(seconds);
  const neg = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  if (s === 0) return '0s';
  if (s < 1e-3) return `${neg}${Number((s * 1e6).toPrecision(3))}µs`;
  if (s < 1) return `${neg}${Number((s * 1e3).toPrecision(3))}ms`;
  if (s < 60) return `${neg}${Number(s.toPrecision(3))}s`;
  const parts: [number, string][] = [[Math.floor(s / 86400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'm'], [Math.floor(s) % 60, 's']];
  const first = parts.findIndex(([n]) => n > 0);
  return neg + parts.slice(first, first + 2).filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`).join(' ');
}

/** "12s ago" / "in 5m" relative to now (both in milliseconds). */
export function formatAgo(tMs: number, nowMs: number): string {
  const d = (nowMs - tMs) / 1000;
  if (Math.abs(d) < 1) return 'just now';
  const text = formatDuration(Math.round(Math.abs(d)));
  return d >= 0 ? `${text} ago` : `in ${text}`;
}

/** ISO-8601 in UTC without milliseconds, for tooltips and tables. */
export function formatTime(tMs: number): string {
  return new Date(tMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Prometheus duration ("1h30m", "90s", "2d") -> seconds; throws with the reason when malformed. */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(t)) throw new Error(`"${text}" is not a duration like 30m, 2h or 1d12h`);
  let total = 0;
  for (const [, n, unit] of t.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(n) * DURATION_UNITS[unit];
  if (total <= 0) throw new Error(`"${text}" must be longer than zero`);
  return total;
}

/** `{a="b", c="d"}` with the metric name (if any) in front, as Prometheus prints a series. */
export function formatSeries(labels: Record<string, string>): string {
  const { __name__: name, ...rest } = labels;
  const inner = Object.keys(rest).sort().map((k) => `${k}=${JSON.stringify(rest[k])}`).join(', ');
  return `${name ?? ''}{${inner}}`;
}
