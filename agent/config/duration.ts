/**
 * Durations in Prometheus' notation ("1h30m", "15s", "500ms", "2d"), the
 * form every Prometheus and Alertmanager user writes, parsed to milliseconds.
 */
import { z } from 'zod';

const UNIT_MS: Record<string, number> = {
  y: 365 * 24 * 3600e3, w: 7 * 24 * 3600e3, d: 24 * 3600e3, h: 3600e3, m: 60e3, s: 1e3, ms: 1,
};
const UNIT_ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
const PART = /(\d+)(ms|y|w|d|h|m|s)/y;

/** Parses a Prometheus duration; throws with the offending text on error. */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  if (text === '') throw new Error('empty duration string');
  let pos = 0;
  let total = 0;
  let lastUnit = -1;
  while (pos < text.length) {
    PART.lastIndex = pos;
    const m = PART.exec(text);
    if (!m) throw new Error(`not a valid duration string: ${JSON.stringify(text)} (use e.g. 30s, 5m, 1h30m)`);
    const unitIdx = UNIT_ORDER.indexOf(m[2]);
    if (unitIdx <= lastUnit) throw new Error(`not a valid duration string: ${JSON.stringify(text)} (units must go from largest to smallest, each once)`);
    lastUnit = unitIdx;
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = PART.lastIndex;
  }
  return total;
}

/** Formats milliseconds the way Prometheus prints durations ("1h30m", "0s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const u of UNIT_ORDER) {
    const size = UNIT_MS[u];
    if (rest >= size) {
      const n = Math.floor(rest / size);
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out;
}

/** A zod schema for a duration field: accepts "15s"-style strings, yields milliseconds. */
export function durationSchema() {
  return z.string().transform((s, ctx) => {
    try {
      return parseDuration(s.trim());
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
}
