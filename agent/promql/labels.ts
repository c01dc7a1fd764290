/**
 * Label-set operations the engine performs per step: identity keys, metric
 * name dropping, match signatures, Prometheus' ordering and text form. Label
 * objects are treated as immutable, so results are memoised per object.
 */
import type { Labels } from '../store/types';

const SEP = '\xff';
const keyCache = new WeakMap<Labels, string>();
const dropCache = new WeakMap<Labels, Labels>();
const sortedNamesCache = new WeakMap<Labels, string[]>();

export const EMPTY_LABELS: Labels = Object.freeze({}) as Labels;

export function sortedNames(l: Labels): string[] {
  let names = sortedNamesCache.get(l);
  if (!names) {
    names = Object.keys(l).sort();
    sortedNamesCache.set(l, names);
  }
  return names;
}

/** A string identifying the label set (equal sets, equal keys). */
export function labelsKey(l: Labels): string {
  let key = keyCache.get(l);
  if (key === undefined) {
    key = '';
    for (const n of sortedNames(l)) key += n + SEP + l[n] + SEP;
    keyCache.set(l, key);
  }
  return key;
}

/** The label set without __name__ (the same object when there is none). */
export function dropMetricName(l: Labels): Labels {
  if (!('__name__' in l)) return l;
  let out = dropCache.get(l);
  if (!out) {
    out = {};
    for (const n in l) if (n !== '__name__') out[n] = l[n];
    dropCache.set(l, out);
  }
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

/** Go's strconv.Quote for the label values Prometheus prints in messages. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** Prometheus' labels.String(): `{a="1", b="2"}`, names sorted, __name__ included. */
export function labelsString(l: Labels): string {
  return '{' + sortedNames(l).map((n) => `${n}=${goQuote(l[n])}`).join(', ') + '}';
}

/** Prometheus' labels.Compare: pairwise by name then value; a prefix sorts first. */
export function compareLabels(a: Labels, b: Labels): number {
  const an = sortedNames(a);
  const bn = sortedNames(b);
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    if (an[i] !== bn[i]) return an[i] < bn[i] ? -1 : 1;
    const av = a[an[i]];
    const bv = b[bn[i]];
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return an.length - bn.length;
}
