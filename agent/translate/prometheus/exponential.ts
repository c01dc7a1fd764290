/**
 * Exponential histograms to classic Prometheus buckets.
 *
 * An OTel exponential histogram at scale s has base = 2^(2^-s); positive
 * bucket index i counts values in (base^i, base^(i+1)], negative bucket i
 * counts values in [-base^(i+1), -base^i), and the zero bucket counts values
 * with |v| <= zero_threshold. Each populated index becomes one classic
 * `le` bucket whose bound is the index's upper boundary:
 *   negative i -> le = -base^i, zero bucket -> le = zero_threshold,
 *   positive i -> le = base^(i+1), and +Inf = count.
 * Counts are accumulated upwards so the result is a valid cumulative
 * classic histogram that histogram_quantile() interpolates within the
 * exponential bucket widths (relative error bounded by the base).
 */
import type { ExponentialHistogramDataPoint, Int64 } from '../../otlp/model';
import { int64ToNumber } from '../../otlp/values';

/** An exponential histogram's content in a form that can be merged and downscaled. */
export interface ExpHistogram {
  scale: number;
  zeroThreshold: number;
  zeroCount: number;
  positive: Map<number, number>;
  negative: Map<number, number>;
  count: number;
  sum: number | undefined;
}

function bucketsToMap(offset: number | undefined, counts: Int64[] | undefined): Map<number, number> {
  const m = new Map<number, number>();
  const off = offset ?? 0;
  (counts ?? []).forEach((c, i) => m.set(off + i, int64ToNumber(c)));
  return m;
}

export function expHistogramFromPoint(p: ExponentialHistogramDataPoint): ExpHistogram {
  return {
    scale: p.scale ?? 0,
    zeroThreshold: p.zeroThreshold ?? 0,
    zeroCount: int64ToNumber(p.zeroCount),
    positive: bucketsToMap(p.positive?.offset, p.positive?.bucketCounts),
    negative: bucketsToMap(p.negative?.offset, p.negative?.bucketCounts),
    count: int64ToNumber(p.count),
    sum: p.sum === null || p.sum === undefined ? undefined : p.sum,
  };
}

/** Lowers the resolution by `by` scale steps: index i merges into i >> by (2^by buckets become one). */
function downscaleMap(m: Map<number, number>, by: number): Map<number, number> {
  if (by <= 0) return m;
  const out = new Map<number, number>();
  for (const [i, c] of m) {
    const j = Math.floor(i / 2 ** by);
    out.set(j, (out.get(j) ?? 0) + c);
  }
  return out;
}

export function downscale(h: ExpHistogram, scale: number): ExpHistogram {
  if (scale >= h.scale) return h;
  const by = h.scale - scale;
  return { ...h, scale, positive: downscaleMap(h.positive, by), negative: downscaleMap(h.negative, by) };
}

/** a + b at the coarser of their two scales (for delta-to-cumulative). */
export function mergeExp(a: ExpHistogram, b: ExpHistogram): ExpHistogram {
  const scale = Math.min(a.scale, b.scale);
  const x = downscale(a, scale);
  const y = downscale(b, scale);
  const add = (m1: Map<number, number>, m2: Map<number, number>) => {
    const out = new Map(m1);
    for (const [i, c] of m2) out.set(i, (out.get(i) ?? 0) + c);
    return out;
  };
  return {
    scale,
    zeroThreshold: Math.max(x.zeroThreshold, y.zeroThreshold),
    zeroCount: x.zeroCount + y.zeroCount,
    positive: add(x.positive, y.positive),
    negative: add(x.negative, y.negative),
    count: x.count + y.count,
    sum: x.sum === undefined || y.sum === undefined ? undefined : x.sum + y.sum,
  };
}

/** base^i at the given scale, exact for scale <= 0 (powers of two). */
export function expBoundary(index: number, scale: number): number {
  return 2 ** (index * 2 ** -scale);
}

/** Classic buckets (ascending bounds, cumulative counts) ending with +Inf = count. */
export function expToClassicBuckets(h: ExpHistogram): { le: number; count: number }[] {
  const out: { le: number; count: number }[] = [];
  let cum = 0;
  const neg = [...h.negative.keys()].sort((a, b) => b - a);
  for (const i of neg) {
    cum += h.negative.get(i)!;
    out.push({ le: -expBoundary(i, h.scale), count: cum });
  }
  cum += h.zeroCount;
  out.push({ le: h.zeroThreshold, count: cum });
  const pos = [...h.positive.keys()].sort((a, b) => a - b);
  for (const i of pos) {
    cum += h.positive.get(i)!;
    const le = expBoundary(i + 1, h.scale);
    // Bounds must stay strictly increasing; a positive bucket at or below the zero threshold merges into it.
    if (le <= out[out.length - 1].le) out[out.length - 1].count = cum;
    else out.push({ le, count: cum });
  }
  out.push({ le: Infinity, count: Math.max(h.count, cum) });
  return out;
}
