/**
 * Aggregation operators (sum, avg, min, max, count, stddev, stdvar, topk,
 * bottomk, quantile, count_values, group) over an instant vector with by/
 * without grouping, following Prometheus 2.42's arithmetic: running mean for
 * avg, Welford for stddev/stdvar, heaps for topk/bottomk (NaN ranks lowest).
 */
import type { Labels } from '../store/types';
import type { AggregateOp } from './ast';
import { signatureFn, sortedLabels } from './labels';
import { quantile } from './functions/quantile';
import { formatFloatPlain, LABEL_NAME_RE } from './strings';
import type { Sample } from './values';

interface Group {
  labels: Labels;
  value: number;
  mean: number;
  count: number;
  heap: Sample[];
  values: number[];
}

/** Prometheus' container/heap over samples, with its exact sift order (so ties resolve identically). */
class SampleHeap {
  constructor(readonly items: Sample[], private readonly less: (a: number, b: number) => boolean) {}

  push(s: Sample): void {
    const h = this.items;
    h.push(s);
    let j = h.length - 1;
    for (;;) {
      const i = (j - 1) >> 1;
      if (i === j || j <= 0 || !this.less(h[j].value, h[i].value)) break;
      [h[i], h[j]] = [h[j], h[i]];
      j = i;
    }
  }

  pop(): void {
    const h = this.items;
    const n = h.length - 1;
    [h[0], h[n]] = [h[n], h[0]];
    let i = 0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n) break;
      let j = j1;
      if (j1 + 1 < n && this.less(h[j1 + 1].value, h[j1].value)) j = j1 + 1;
      if (!this.less(h[j].value, h[i].value)) break;
      [h[i], h[j]] = [h[j], h[i]];
      i = j;
    }
    h.pop();
  }
}

/** Most group keys cached per aggregation and query. */
const KEY_CACHE_LIMIT = 200_000;

const lessByValue = (a: number, b: number): boolean => Number.isNaN(a) || a < b;
const lessByReverseValue = (a: number, b: number): boolean => Number.isNaN(a) || a > b;

function isInf(x: number): boolean {
  return x === Infinity || x === -Infinity;
}

/** Go's convertibleToInt64: finite and within int64. */
function convertibleToInt64(v: number): boolean {
  return v <= 9223372036854775807 && v >= -9223372036854775808;
}

/** The labels of the group a metric falls in: `by` keeps the grouping labels, `without` drops them and the name. */
export function groupLabels(metric: Labels, grouping: readonly string[], groupingSet: ReadonlySet<string>, without: boolean): Labels {
  const labels: Labels = {};
  if (without) {
    for (const n in metric) if (n !== '__name__' && !groupingSet.has(n)) labels[n] = metric[n];
  } else {
    for (const n of grouping) if (metric[n] !== undefined) labels[n] = metric[n];
  }
  return labels;
}

export function aggregate(
  op: AggregateOp, groupingIn: string[], without: boolean, param: number | string | undefined, vec: Sample[],
  /** Group key by label object, kept by the caller across steps (label objects repeat from step to step). */
  keyCache?: Map<Labels, string>,
): Sample[] {
  let grouping = [...new Set(groupingIn)].sort();
  let k = 0;
  if (op === 'topk' || op === 'bottomk') {
    const f = param as number;
    if (!convertibleToInt64(f)) throw new Error(`Scalar value ${Number.isNaN(f) ? 'NaN' : f} overflows int64`);
    k = Math.trunc(f);
    if (k < 1) return [];
  }
  const q = op === 'quantile' ? (param as number) : 0;
  let valueLabel = '';
  if (op === 'count_values') {
    valueLabel = param as string;
    if (!LABEL_NAME_RE.test(valueLabel)) throw new Error(`invalid label name ${JSON.stringify(valueLabel)}`);
    if (!without) grouping = [...new Set([...grouping, valueLabel])].sort();
  }
  const groupKey = signatureFn(!without, grouping);
  const groupingSet = new Set(grouping);
  const groups = new Map<string, Group>();
  const ordered: Group[] = [];

  for (const s of vec) {
    let metric = s.metric;
    if (op === 'count_values') metric = sortedLabels({ ...metric, [valueLabel]: formatFloatPlain(s.value) });
    let key: string | undefined;
    if (keyCache && op !== 'count_values') {
      key = keyCache.get(metric);
      if (key === undefined) {
        key = groupKey(metric);
        // Bounded: labels built anew at every step (after a binary operation) would only fill it.
        if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(metric, key);
      }
    } else {
      key = groupKey(metric);
    }
    const group = groups.get(key);
    if (!group) {
      const labels = groupLabels(metric, grouping, groupingSet, without);
      const g: Group = { labels, value: s.value, mean: s.value, count: 1, heap: [], values: [] };
      if (op === 'stddev' || op === 'stdvar') g.value = 0;
      else if (op === 'topk' || op === 'bottomk') g.heap = [{ metric: s.metric, value: s.value }];
      else if (op === 'quantile') g.values = [s.value];
      else if (op === 'group') g.value = 1;
      groups.set(key, g);
      ordered.push(g);
      continue;
    }
    switch (op) {
      case 'sum': group.value += s.value; break;
      case 'avg':
        group.count++;
        if (isInf(group.mean)) {
          if (isInf(s.value) && group.mean > 0 === s.value > 0) break;
          if (!isInf(s.value) && !Number.isNaN(s.value)) break;
        }
        // Dividing both terms avoids overflowing float64 with large values.
        group.mean += s.value / group.count - group.mean / group.count;
        break;
      case 'group': break;
      case 'max': if (group.value < s.value || Number.isNaN(group.value)) group.value = s.value; break;
      case 'min': if (group.value > s.value || Number.isNaN(group.value)) group.value = s.value; break;
      case 'count': case 'count_values': group.count++; break;
      case 'stddev': case 'stdvar': {
        group.count++;
        const delta = s.value - group.mean;
        group.mean += delta / group.count;
        group.value += delta * (s.value - group.mean);
        break;
      }
      case 'topk': case 'bottomk': {
        const less = op === 'topk' ? lessByValue : lessByReverseValue;
        const h = new SampleHeap(group.heap, less);
        const top = group.heap[0].value;
        const better = op === 'topk' ? top < s.value : top > s.value;
        if (group.heap.length < k || better || Number.isNaN(top)) {
          if (group.heap.length === k) {
            if (k === 1) {
              group.heap[0] = { metric: s.metric, value: s.value };
              break;
            }
            h.pop();
          }
          h.push({ metric: s.metric, value: s.value });
        }
        break;
      }
      case 'quantile': group.values.push(s.value); break;
    }
  }

  const out: Sample[] = [];
  for (const g of ordered) {
    switch (op) {
      case 'avg': g.value = g.mean; break;
      case 'count': case 'count_values': g.value = g.count; break;
      case 'stdvar': g.value = g.value / g.count; break;
      case 'stddev': g.value = Math.sqrt(g.value / g.count); break;
      case 'topk': case 'bottomk': {
        // Best first, NaN last: descending for topk, ascending for bottomk.
        const sorted = g.heap.slice().sort((a, b) => {
          const an = Number.isNaN(a.value);
          const bn = Number.isNaN(b.value);
          if (an || bn) return an === bn ? 0 : an ? 1 : -1;
          const c = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
          return op === 'topk' ? -c : c;
        });
        for (const s of sorted) out.push({ metric: s.metric, value: s.value });
        continue;
      }
      case 'quantile': g.value = quantile(q, g.values); break;
      default: break;
    }
    out.push({ metric: g.labels, value: g.value });
  }
  return out;
}
