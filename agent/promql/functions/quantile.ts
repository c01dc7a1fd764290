/**
 * Quantiles: over a list of values (quantile aggregation, quantile_over_time)
 * and over classic histogram buckets (histogram_quantile), with Prometheus'
 * bucket coalescing, monotonicity fix and linear interpolation.
 */

/** Ascending with NaN first: Prometheus' vectorByValueHeap order. */
export function nanFirstAscending(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The q-quantile of values (sorted in place), interpolating between neighbours. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort(nanFirstAscending);
  const n = values.length;
  const rank = q * (n - 1);
  const lowerIndex = Math.max(0, Math.floor(rank));
  const upperIndex = Math.min(n - 1, lowerIndex + 1);
  const weight = rank - Math.floor(rank);
  return values[lowerIndex] * (1 - weight) + values[upperIndex] * weight;
}

export interface Bucket { upperBound: number; count: number }

/**
 * The q-quantile from cumulative buckets (any order; an +Inf bucket is required).
 * Falls in the +Inf bucket: the second-highest bound. Lowest bucket with an
 * upper bound > 0: interpolates from 0.
 */
export function bucketQuantile(q: number, input: Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  let buckets = input.slice().sort((a, b) => a.upperBound - b.upperBound);
  if (buckets[buckets.length - 1].upperBound !== Infinity) return NaN;
  buckets = coalesceBuckets(buckets);
  ensureMonotonic(buckets);
  if (buckets.length < 2) return NaN;
  const observations = buckets[buckets.length - 1].count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  // First bucket (excluding the last) whose count reaches the rank.
  let b = 0;
  let hi = buckets.length - 1;
  while (b < hi) {
    const mid = (b + hi) >>> 1;
    if (buckets[mid].count >= rank) hi = mid;
    else b = mid + 1;
  }
  if (b === buckets.length - 1) return buckets[buckets.length - 2].upperBound;
  if (b === 0 && buckets[0].upperBound <= 0) return buckets[0].upperBound;
  let bucketStart = 0;
  const bucketEnd = buckets[b].upperBound;
  let count = buckets[b].count;
  if (b > 0) {
    bucketStart = buckets[b - 1].upperBound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/** Merges buckets with the same upper bound (input sorted). */
function coalesceBuckets(buckets: Bucket[]): Bucket[] {
  const out: Bucket[] = [];
  let last = { ...buckets[0] };
  for (let i = 1; i < buckets.length; i++) {
    if (buckets[i].upperBound === last.upperBound) last.count += buckets[i].count;
    else {
      out.push(last);
      last = { ...buckets[i] };
    }
  }
  out.push(last);
  return out;
}

/**
 * Bucket counts must not decrease with the bound; scrapes/rates that are not
 * atomic across buckets can break that, so take the running maximum.
 */
function ensureMonotonic(buckets: Bucket[]): void {
  let max = buckets[0].count;
  for (let i = 1; i < buckets.length; i++) {
    if (buckets[i].count > max) max = buckets[i].count;
    else if (buckets[i].count < max) buckets[i].count = max;
  }
}
