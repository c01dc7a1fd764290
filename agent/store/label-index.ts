/**
 * The inverted index from label pairs to series ("postings", as in
 * Prometheus' TSDB). Series get increasing ids as they are created, so every
 * postings list is sorted by id by construction, and matchers resolve to
 * sorted intersections/unions instead of scans over all series. Lists hold
 * the series themselves, so no id -> series map is needed. A value carried
 * by one series only (a request path, an id) holds that series without a
 * list: a one-element array costs ~60 bytes, and at 100 000 series with a
 * unique label each that was one of the largest items per series.
 */
import type { LabelMatcher, Labels } from './types';
import { matcherPredicate } from './matchers';

export interface Indexed { readonly id: number; readonly labels: Labels }

/** One series, or the list of them in id order (two or more). */
type Postings<T> = T | T[];

function asList<T>(p: Postings<T>): T[] {
  return Array.isArray(p) ? p : [p];
}

export class LabelIndex<T extends Indexed> {
  private readonly byName = new Map<string, Map<string, Postings<T>>>();
  /** All live series in id order (the start for selectors that only exclude). */
  private all: T[] = [];

  add(s: T): void {
    this.all.push(s);
    for (const name in s.labels) {
      let values = this.byName.get(name);
      if (!values) this.byName.set(name, (values = new Map()));
      const value = s.labels[name];
      const p = values.get(value);
      if (p === undefined) values.set(value, s);
      else if (Array.isArray(p)) p.push(s);
      else values.set(value, [p, s]);
    }
  }

  /** Removes many series at once: each touched postings list is filtered a single time. */
  removeMany(removed: ReadonlySet<T>): void {
    if (removed.size === 0) return;
    const touched = new Map<string, Set<string>>();
    for (const s of removed) {
      for (const name in s.labels) {
        let vs = touched.get(name);
        if (!vs) touched.set(name, (vs = new Set()));
        vs.add(s.labels[name]);
      }
    }
    for (const [name, vs] of touched) {
      const values = this.byName.get(name);
      if (!values) continue;
      for (const value of vs) {
        const p = values.get(value);
        if (p === undefined) continue;
        const kept = asList(p).filter((s) => !removed.has(s));
        if (kept.length > 1) values.set(value, kept);
        else if (kept.length === 1) values.set(value, kept[0]);
        else values.delete(value);
      }
      if (values.size === 0) this.byName.delete(name);
    }
    this.all = this.all.filter((s) => !removed.has(s));
  }

  /** Series satisfying every matcher, in id order. The result may be an internal list: do not modify it. */
  match(matchers: LabelMatcher[]): readonly T[] {
    const steps = this.matchSteps(matchers, () => false);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /**
   * match() in slices: yields whenever due() says so while it tests label
   * values (each a regex match for =~ and !~), so a query over many values
   * lets the event loop run; due() may throw to stop it.
   */
  *matchSteps(matchers: LabelMatcher[], due: () => boolean): Generator<void, readonly T[], void> {
    const including: T[][] = [];
    const excluding: T[][] = [];
    for (const m of matchers) {
      const pred = matcherPredicate(m);
      const values = this.byName.get(m.name);
      if (!pred('')) {
        // Only series carrying a matching value qualify.
        if (m.type === '=') {
          const p = values?.get(m.value);
          including.push(p === undefined ? [] : asList(p));
        } else {
          const lists: T[][] = [];
          const singles: T[] = [];
          if (values) {
            for (const [v, p] of values) {
              if (due()) yield;
              if (pred(v)) collect(p, lists, singles);
            }
          }
          including.push(union(lists, singles));
        }
      } else if (values) {
        // Series without the label qualify; those with a non-matching value do not.
        const lists: T[][] = [];
        const singles: T[] = [];
        for (const [v, p] of values) {
          if (due()) yield;
          if (!pred(v)) collect(p, lists, singles);
        }
        if (lists.length > 0 || singles.length > 0) excluding.push(union(lists, singles));
      }
    }
    let result: T[];
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

function collect<T>(p: Postings<T>, lists: T[][], singles: T[]): void {
  if (Array.isArray(p)) lists.push(p);
  else singles.push(p);
}

/** Lists (each in id order) and single series (in any order) as one list in id order. */
function union<T extends Indexed>(lists: T[][], singles: T[]): T[] {
  if (singles.length > 0) lists.push(singles);
  if (lists.length === 0) return [];
  if (lists.length === 1 && singles.length === 0) return lists[0];
  // Each series carries one value per label name, so the lists are disjoint.
  const out: T[] = [];
  for (const l of lists) for (const s of l) out.push(s);
  return out.sort((a, b) => a.id - b.id);
}

function intersect<T extends Indexed>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i].id;
    const y = b[j].id;
    if (x === y) {
      out.push(a[i]);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

function subtract<T extends Indexed>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  let j = 0;
  for (const s of a) {
    while (j < b.length && b[j].id < s.id) j++;
    if (j < b.length && b[j].id === s.id) continue;
    out.push(s);
  }
  return out;
}
