/**
 * The inverted index from label pairs to series ids ("postings", as in
 * Prometheus' TSDB). Ids are handed out in increasing order, so every
 * postings list is sorted by construction and matchers resolve to sorted
 * intersections/unions instead of scans over all series.
 */
import type { LabelMatcher, Labels } from './types';
import { matcherPredicate } from './matchers';

type Postings = number[];

export class LabelIndex {
  private readonly byName = new Map<string, Map<string, Postings>>();
  /** All live ids in increasing order (the start for selectors that only exclude). */
  private all: Postings = [];

  add(id: number, labels: Labels): void {
    this.all.push(id);
    for (const name in labels) {
      let values = this.byName.get(name);
      if (!values) this.byName.set(name, (values = new Map()));
      const list = values.get(labels[name]);
      if (list) list.push(id);
      else values.set(labels[name], [id]);
    }
  }

  /** Removes many series at once: each touched postings list is filtered a single time. */
  removeMany(removed: Set<number>, labelsOf: Iterable<Labels>): void {
    if (removed.size === 0) return;
    const touched = new Map<string, Set<string>>();
    for (const labels of labelsOf) {
      for (const name in labels) {
        let vs = touched.get(name);
        if (!vs) touched.set(name, (vs = new Set()));
        vs.add(labels[name]);
      }
    }
    for (const [name, vs] of touched) {
      const values = this.byName.get(name);
      if (!values) continue;
      for (const value of vs) {
        const list = values.get(value);
        if (!list) continue;
        const kept = list.filter((id) => !removed.has(id));
        if (kept.length > 0) values.set(value, kept);
        else values.delete(value);
      }
      if (values.size === 0) this.byName.delete(name);
    }
    this.all = this.all.filter((id) => !removed.has(id));
  }

  /** Sorted ids of series satisfying every matcher. */
  match(matchers: LabelMatcher[]): Postings {
    const including: Postings[] = [];
    const excluding: Postings[] = [];
    for (const m of matchers) {
      const pred = matcherPredicate(m);
      const values = this.byName.get(m.name);
      if (!pred('')) {
        // Only series carrying a matching value qualify.
        if (m.type === '=') {
          including.push(values?.get(m.value) ?? []);
        } else {
          const lists: Postings[] = [];
          if (values) for (const [v, list] of values) if (pred(v)) lists.push(list);
          including.push(union(lists));
        }
      } else if (values) {
        // Series without the label qualify; those with a non-matching value do not.
        const lists: Postings[] = [];
        for (const [v, list] of values) if (!pred(v)) lists.push(list);
        if (lists.length > 0) excluding.push(union(lists));
      }
    }
    let result: Postings;
    if (including.length === 0) result = this.all;
    else {
      including.sort((a, b) => a.length - b.length);
      result = including[0];
      for (let i = 1; i < including.length && result.length > 0; i++) result = intersect(result, including[i]);
    }
    for (const ex of excluding) {
      if (result.length === 0) break;
      result = subtract(result, ex);
    }
    return result;
  }

  labelNames(): string[] {
    return [...this.byName.keys()].sort();
  }

  labelValues(name: string): string[] {
    const values = this.byName.get(name);
    return values ? [...values.keys()].sort() : [];
  }

  /** Number of (name, value) pairs indexed (a cardinality self-metric). */
  get pairCount(): number {
    let n = 0;
    for (const values of this.byName.values()) n += values.size;
    return n;
  }
}

function union(lists: Postings[]): Postings {
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0];
  let total = 0;
  for (const l of lists) total += l.length;
  const merged = new Float64Array(total);
  let o = 0;
  for (const l of lists) for (const id of l) merged[o++] = id;
  merged.sort();
  const out: Postings = [];
  for (let i = 0; i < merged.length; i++) if (i === 0 || merged[i] !== merged[i - 1]) out.push(merged[i]);
  return out;
}

function intersect(a: Postings, b: Postings): Postings {
  const out: Postings = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]);
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return out;
}

function subtract(a: Postings, b: Postings): Postings {
  const out: Postings = [];
  let j = 0;
  for (const id of a) {
    while (j < b.length && b[j] < id) j++;
    if (j < b.length && b[j] === id) continue;
    out.push(id);
  }
  return out;
}
