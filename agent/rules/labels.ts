/**
 * Label-set helpers shared by rules, alerts and the API: a canonical key
 * (Prometheus hashes label sets; a sorted JSON string serves the same purpose
 * and is stable across restarts, so it also keys persisted alert state),
 * Prometheus' printed form {a="b", c="d"}, and name validity.
 */
import type { Labels } from '../store/types';

export const METRIC_NAME = '__name__';
export const ALERT_NAME = 'alertname';
export const ALERT_STATE = 'alertstate';

/** Sorted copy: Prometheus keeps label sets ordered by name. */
export function sortedLabels(l: Labels): Labels {
  const out: Labels = {};
  for (const k of Object.keys(l).sort()) out[k] = l[k];
  return out;
}

/** Canonical identity of a label set (order-independent). */
export function labelsKey(l: Labels): string {
  return JSON.stringify(Object.keys(l).sort().map((k) => [k, l[k]]));
}

export function labelsFromKey(key: string): Labels {
  const out: Labels = {};
  for (const [k, v] of JSON.parse(key) as [string, string][]) out[k] = v;
  return out;
}

/** Go's strconv.Quote for label values (JSON escaping agrees for printable text). */
function quote(v: string): string {
  return JSON.stringify(v).replace(/\\u00([0-7][0-9a-f])/g, '\\x$1');
}

/** Prometheus' labels.Labels.String(): {a="b", c="d"} sorted by name. */
export function labelsString(l: Labels): string {
  return '{' + Object.keys(l).sort().map((k) => `${k}=${quote(l[k])}`).join(', ') + '}';
}

export function isValidLabelName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}

export function isValidMetricName(name: string): boolean {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name);
}

/** Prometheus label values must be valid UTF-8; JS strings can hold lone surrogates. */
export function isValidLabelValue(v: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v);
}

/** Copy with the label set to value; an empty value removes it (Prometheus' labels.Builder.Set). */
export function setLabel(l: Labels, name: string, value: string): void {
  if (value === '') delete l[name];
  else l[name] = value;
}
