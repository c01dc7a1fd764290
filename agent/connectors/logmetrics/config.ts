/**
 * connectors.logmetrics: counters derived from log records. Every key is
 * documented in README.md.
 */
import { z } from 'zod';
import { anchoredRegex } from '../../store/regex';
import { sanitizeLabelName } from '../../translate/prometheus/names';
import { derivedMetricsKeys } from '../shared/config';
import { bodyRegex } from './body-regex';
import { SEVERITY_BASE, SEVERITY_NAMES, type SeverityName } from './severity';

const VALID_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** The built-in counter's name. */
export const LOG_RECORDS_TOTAL = 'log_records_total';

/** Labels every counter gets from the record's resource; configured labels may not reuse them. */
const RESERVED_LABELS = ['service_name', 'severity_text', 'job', 'instance', '__name__', 'otel_metric_overflow'];

const anchoredRegexSchema = z.string().superRefine((re, ctx) => {
  try {
    anchoredRegex(re);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

const bodyRegexSchema = z.string().min(1).superRefine((re, ctx) => {
  try {
    bodyRegex(re);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

/** Severity as a range name (TRACE ... FATAL, any case) or an OTel severity number 1-24; yields the number. */
const severitySchema = z.union([z.number(), z.string()]).transform((s, ctx) => {
  if (typeof s === 'number') {
    if (Number.isInteger(s) && s >= 1 && s <= 24) return s;
  } else {
    const name = s.trim().toUpperCase() as SeverityName;
    if (SEVERITY_NAMES.includes(name)) return SEVERITY_BASE[name];
  }
  ctx.addIssue({ code: 'custom', message: `unknown severity ${JSON.stringify(s)} (use ${SEVERITY_NAMES.join(', ')} or a severity number 1-24)` });
  return z.NEVER;
});

/** An attribute condition: a string matches exactly, {regex} matches like a PromQL =~ (fully anchored). */
export const attributeMatchSchema = z.union([z.string(), z.strictObject({ regex: anchoredRegexSchema })]);

export const counterSchema = z.strictObject({
  /** Prometheus metric name; "_total" is appended when missing. */
  name: z.string().regex(VALID_METRIC_NAME, { message: 'must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)' })
    .transform((n) => (n.endsWith('_total') ? n : `${n}_total`)),
  /** # HELP text. */
  description: z.string().default(''),
  /** Every condition given must hold for a record to be counted. */
  match: z.strictObject({
    /** Attribute key -> exact value or {regex}; read from the record, else its resource. */
    attributes: z.record(z.string(), attributeMatchSchema).default({}),
    /** Searched (unanchored) in the body as text; (?i) at the start makes it case-insensitive. */
    body_regex: bodyRegexSchema.optional(),
    /** Lowest severity counted: TRACE, DEBUG, INFO, WARN, ERROR, FATAL or 1-24. */
    severity_min: severitySchema.optional(),
  }).prefault({}),
  /** Attribute keys (record, else resource) added as labels; sanitised like metric attributes. */
  labels: z.array(z.string().min(1)).default([]),
});
export type CounterConfig = z.output<typeof counterSchema>;

export const logmetricsConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The built-in log_records_total{service_name, severity_text}. */
  log_records: z.strictObject({
    enabled: z.boolean().default(true),
  }).prefault({}),
  /** User-defined counters. */
  counters: z.array(counterSchema).default([]),
  ...derivedMetricsKeys,
}).superRefine((c, ctx) => {
  const names = new Set<string>([LOG_RECORDS_TOTAL]);
  c.counters.forEach((counter, i) => {
    if (names.has(counter.name)) {
      ctx.addIssue({ code: 'custom', path: ['counters', i, 'name'], message: `${JSON.stringify(counter.name)} is already used by another counter` });
    }
    names.add(counter.name);
    const labels = new Map<string, string>();
    counter.labels.forEach((key, j) => {
      const label = sanitizeLabelName(key);
      const path = ['counters', i, 'labels', j];
      if (RESERVED_LABELS.includes(label)) {
        ctx.addIssue({ code: 'custom', path, message: `${JSON.stringify(key)} would become the label ${JSON.stringify(label)}, which the connector sets itself` });
      } else if (labels.has(label)) {
        ctx.addIssue({ code: 'custom', path, message: `${JSON.stringify(key)} and ${JSON.stringify(labels.get(label))} both become the label ${JSON.stringify(label)}` });
      }
      labels.set(label, key);
    });
  });
});
export type LogmetricsConfig = z.output<typeof logmetricsConfigSchema>;
