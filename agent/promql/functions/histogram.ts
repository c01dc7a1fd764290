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

export function histogramQuantile(q: number, samples: Sample[]): Sample[] {
  const groups = new Map<string, { metric: Labels; buckets: Bucket[] }>();
  for (const s of samples) {
    const le = s.metric.le;
    if (le === undefined) continue;
    const upperBound = parseGoFloat(le);
    if (upperBound === undefined) continue;
    const withoutLe: Labels = {};
    for (const n in s.metric) if (n !== 'le') withoutLe[n] = s.metric[n];
    const key = labelsKey(withoutLe);
    let g = groups.get(key);
    if (!g) {
      const metric: Labels = {};
      for (const n in withoutLe) if (n !== '__name__') metric[n] = withoutLe[n];
      groups.set(key, (g = { metric, buckets: [] }));
    }
    g.buckets.push({ upperBound, count: s.value });
  }
  const out: Sample[] = [];
  for (const g of groups.values()) out.push({ metric: g.metric, value: bucketQuantile(q, g.buckets) });
  return out;
}
