/**
 * Histogram bucket bounds written as Go durations ("2ms", "1.5s", "100us"),
 * the notation of the Collector's spanmetrics `histogram.explicit.buckets`,
 * so a bucket list copied from a Collector config works unchanged.
 */

const UNIT_NANOS: Record<string, number> = {
  ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
};
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** A Go duration string in nanoseconds; throws with the offending text on error. */
export function parseGoDurationNanos(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  if (s === '') throw new Error('empty duration');
  let pos = 0;
  let total = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) throw new Error(`not a valid duration: ${JSON.stringify(text)} (use e.g. 100us, 2ms, 1.5s)`);
    // Whole nanoseconds keep "1400ms" exact, so the bound in seconds prints as 1.4, not 1.4000000000000001.
    total += Math.round(Number(m[1]) * UNIT_NANOS[m[2]]);
    pos = PART.lastIndex;
  }
  return total;
}

/** The Collector spanmetrics connector's default buckets. */
export const DEFAULT_BUCKETS = [
  '2ms', '4ms', '6ms', '8ms', '10ms', '50ms', '100ms', '200ms', '400ms', '800ms', '1s', '1400ms', '2s', '5s', '10s', '15s',
];

/** Nanoseconds per histogram unit. */
export const NANOS_PER_UNIT = { s: 1e9, ms: 1e6 } as const;
