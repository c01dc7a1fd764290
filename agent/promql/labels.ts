/**
 * Label-set operations the engine performs per step: identity keys, metric
 * name dropping, match signatures, Prometheus' ordering and text form. Label
 * objects are treated as immutable, so results are memoised per object.
 */
import type { Labels } from '../store/types';
import { goQuote } from '../format/goquote';
import { sortedNames } from '../store/label-order';

// NUL: no label name holds it, so equal keys mean equal label sets.
const SEP = '\x00';

export const EMPTY_LABELS: Labels = Object.freeze({}) as Labels;

export { compareLabels, sortByLabels, sortedNames } from '../store/label-order';

/** A copy of l with names inserted in sorted order (after adding a label to an object). */
export function sortedLabels(l: Labels): Labels {
  const names = Object.keys(l);
  let sorted = true;
  for (let i = 1; i < names.length && sorted; i++) if (names[i - 1] > names[i]) sorted = false;
  if (sorted) return l;
  const out: Labels = {};
  for (const n of names.sort()) out[n] = l[n];
  return out;
}

/** A string identifying the label set (equal sets, equal keys); keys compare like the label sets do. */
export function labelsKey(l: Labels): string {
  let key = '';
  for (const n of sortedNames(l)) key += n + SEP + l[n] + SEP;
  return key;
}

/** The label set without __name__ (the same object when there is none). */
export function dropMetricName(l: Labels): Labels {
  if (!('__name__' in l)) return l;
  const out: Labels = {};
  for (const n in l) if (n !== '__name__') out[n] = l[n];
  return out;
}

/** Builds a label set, dropping empty values (Prometheus never stores a label with an empty value). */
export function buildLabels(entries: Iterable<[string, string]>): Labels {
  const out: Labels = {};
  for (const [n, v] of entries) if (v !== '') out[n] = v;
  return out;
}

/**
 * The join signature for vector matching: with `on`, the listed labels; with
 * `ignoring`, every label except the listed ones and the metric name.
 */
export function signatureFn(on: boolean, names: string[]): (l: Labels) => string {
  const set = new Set(names);
  if (on) {
    const sorted = [...set].sort();
    return (l) => {
      let s = '';
      for (const n of sorted) if (l[n] !== undefined) s += n + SEP + l[n] + SEP;
      return s;
    };
  }
  set.add('__name__');
  return (l) => {
    let s = '';
    for (const n of sortedNames(l)) if (!set.has(n)) s += n + SEP + l[n] + SEP;
    return s;
  };
}

/** labels.MatchLabels: the labels a match group consists of (for error messages). */
export function matchLabels(l: Labels, on: boolean, names: string[]): Labels {
  const out: Labels = {};
  for (const n of sortedNames(l)) {
    const listed = names.includes(n);
    if (on === listed && (on || n !== '__name__')) out[n] = l[n];
  }
  return out;
}

/** Prometheus' labels.String(): `{a="1", b="2"}`, names sorted, __name__ included. */
export function labelsString(l: Labels): string {
  return '{' + sortedNames(l).map((n) => `${n}=${goQuote(l[n])}`).join(', ') + '}';
}

