/**
 * Shape limits on a new series' label set, Prometheus' scrape_config
 * label_limit / label_name_length_limit / label_value_length_limit with
 * sidecar defaults. Prometheus fails the whole scrape; a sidecar cannot ask
 * the app to fix itself, so here a label set with too many labels or a too
 * long label name is refused (one sample), and a too long value is cut to
 * the limit (the series is kept, counted as truncated), so a 64 KB span name
 * costs at most the limit however many distinct ones arrive.
 */
import type { Labels } from './types';

export interface LabelLimits {
  /** Most labels per series, __name__ included; 0 = no limit. */
  labelLimit: number;
  /** Longest label name (UTF-16 code units); 0 = no limit. */
  labelNameLengthLimit: number;
  /** Longest label value; longer values are truncated to this; 0 = no limit. */
  labelValueLengthLimit: number;
}

export const DEFAULT_LABEL_LIMITS: LabelLimits = { labelLimit: 64, labelNameLengthLimit: 256, labelValueLengthLimit: 2048 };

/** Marks a cut value, so a truncated label is recognisable in queries and dashboards. */
export const TRUNCATION_MARK = '…';

export type LabelLimitRefusal = 'label_limit' | 'label_name_length';

export interface LimitedLabels {
  /** The labels to store: the same object when nothing was cut. */
  labels: Labels;
  truncated: number;
  refused?: LabelLimitRefusal;
}

/** `value` cut to at most `max` code units (mark included), never splitting a surrogate pair. */
export function truncateLabelValue(value: string, max: number): string {
  if (max <= 0 || value.length <= max) return value;
  let end = Math.max(0, max - TRUNCATION_MARK.length);
  const c = value.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // a high surrogate whose pair would be cut off
  // A fresh copy: V8 keeps a slice as a view of its parent, so value.slice() alone would keep
  // the whole 64 KB original alive for as long as the label lives.
  return Buffer.from(value.slice(0, end) + TRUNCATION_MARK, 'utf8').toString('utf8');
}

export function applyLabelLimits(labels: Labels, limits: LabelLimits): LimitedLabels {
  let count = 0;
  let out: Labels | undefined;
  let truncated = 0;
  for (const name in labels) {
    const v = labels[name];
    if (v === '' || v === undefined) continue;
    count++;
    if (limits.labelNameLengthLimit > 0 && name.length > limits.labelNameLengthLimit) {
      return { labels, truncated: 0, refused: 'label_name_length' };
    }
    if (limits.labelValueLengthLimit > 0 && v.length > limits.labelValueLengthLimit) {
      out ??= { ...labels };
      out[name] = truncateLabelValue(v, limits.labelValueLengthLimit);
      truncated++;
    }
  }
  if (limits.labelLimit > 0 && count > limits.labelLimit) return { labels, truncated: 0, refused: 'label_limit' };
  return { labels: out ?? labels, truncated };
}

/** The limits an Appender applies to new series, when it says (MemoryStore and its budgeted appenders do). */
export function labelLimitsOf(appender: object): LabelLimits | undefined {
  const l = (appender as { labelLimits?: LabelLimits }).labelLimits;
  return l && typeof l.labelValueLengthLimit === 'number' ? l : undefined;
}
