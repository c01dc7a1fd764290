/**
 * histogram_quantile over classic histograms: `le`-labelled bucket series
 * grouped by their other labels (metric name included), one result per group
 * without `le` and without the metric name. Native-histogram functions
 * (histogram_count/sum/fraction) only consider native histogram samples,
 * which this store does not hold, so for float samples they yield nothing,
 * exactly as Prometheus does.
 */
import type { Labels } from '../../store/types';
import { labelsKey } from '../labels';
import { parseGoFloat } from '../strings';
import type { Sample } from '../values';
import { bucketQuantile, type Bucket } from './quantile';

/** What histogram_quantile needs of one bucket series' labels: its bound and its group (null: not a bucket). */
export type BucketInfo = { upperBound: number; key: string; metric: Labels } | null;

/** Most bucket label sets remembered per histogram_quantile call and query. */
const BUCKET_CACHE_LIMIT = 200_000;

function bucketInfo(l: Labels, metrics: Map<string, Labels>): BucketInfo {
  const le = l.le;
  if (le === undefined) return null;
  const upperBound = parseGoFloat(le);
  if (upperBound === undefined) return null;
  const withoutLe: Labels = {};
  for (const n in l) if (n !== 'le') withoutLe[n] = l[n];
  const key = labelsKey(withoutLe);
  let metric = metrics.get(key);
  if (!metric) {
    metric = {};
    for (const n in withoutLe) if (n !== '__name__') metric[n] = withoutLe[n];
    metrics.set(key, metric);
  }
  return { upperBound, key, metric };
}

/**
 * cache: bucket facts by label object, kept by the caller across the steps
 * of one query (the same label objects come back at every step), so bounds
 * are parsed and group keys built once and each group's labels are one object.
 */
export function histogramQuantile(q: number, samples: Sample[], cache?: { buckets: Map<Labels, BucketInfo>; metrics: Map<string, Labels> }): Sample[] {
  const groups = new Map<string, { metric: Labels; buckets: Bucket[] }>();
  const metrics = cache?.metrics ?? new Map<string, Labels>();
  for (const s of samples) {
    let info = cache?.buckets.get(s.metric);
    if (info === undefined) {
      info = bucketInfo(s.metric, metrics);
      if (cache && cache.buckets.size < BUCKET_CACHE_LIMIT) cache.buckets.set(s.metric, info);
    }
    if (info === null) continue;
    let g = groups.get(info.key);
    if (!g) groups.set(info.key, (g = { metric: info.metric, buckets: [] }));
    g.buckets.push({ upperBound: info.upperBound, count: s.value });
  }
  const out: Sample[] = [];
  for (const g of groups.values()) out.push({ metric: g.metric, value: bucketQuantile(q, g.buckets) });
  return out;
}
