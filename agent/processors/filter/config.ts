/**
 * processors.filter: drops spans, metric data points and log records that
 * match, with the Collector's legacy include/exclude match properties
 * (match_type strict|regexp) rather than OTTL. Every key is in README.md.
 */
import { z } from 'zod';
import { regexStringSchema } from '../attributes/config';

export const SEVERITY_NUMBERS: Record<string, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };

/** `{key}` (present) or `{key, value}` (equal, or matching the regex under match_type: regexp). */
const attributeSchema = z.strictObject({
  key: z.string().min(1),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

const matchTypeSchema = z.enum(['strict', 'regexp']);

const spanPropsSchema = z.strictObject({
  match_type: matchTypeSchema,
  /** service.name of the resource: any of them. */
  services: z.array(z.string()).optional(),
  span_names: z.array(z.string()).optional(),
  /** SPAN_KIND_SERVER, SPAN_KIND_CLIENT, ... (always strict). */
  span_kinds: z.array(z.enum(['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'])).optional(),
  /** Span attributes: all of them must match. */
  attributes: z.array(attributeSchema).optional(),
  /** Resource attributes: all of them must match. */
  resources: z.array(attributeSchema).optional(),
  /** Instrumentation scopes: any of them (name, and version when given). */
  libraries: z.array(z.strictObject({ name: z.string(), version: z.string().optional() })).optional(),
});

const severityNumberSchema = z.strictObject({
  /** A number (1-24) or TRACE, DEBUG, INFO, WARN, ERROR, FATAL. */
  min: z.union([z.number().int().min(1).max(24), z.enum(Object.keys(SEVERITY_NUMBERS) as [string, ...string[]])])
    .transform((m) => (typeof m === 'number' ? m : SEVERITY_NUMBERS[m])),
  /** Whether records without a severity number (0) match. */
  match_undefined: z.boolean().default(false),
});

const logPropsSchema = z.strictObject({
  match_type: matchTypeSchema,
  resource_attributes: z.array(attributeSchema).optional(),
  record_attributes: z.array(attributeSchema).optional(),
  severity_texts: z.array(z.string()).optional(),
  severity_number: severityNumberSchema.optional(),
  /** The body as a string: any of them. */
  bodies: z.array(z.string()).optional(),
});

const metricPropsSchema = z.strictObject({
  match_type: matchTypeSchema,
  metric_names: z.array(z.string()).optional(),
  resource_attributes: z.array(attributeSchema).optional(),
  /** Data point attributes (a Lookout extension): all must match; the match drops single points. */
  datapoint_attributes: z.array(attributeSchema).optional(),
});

function includeExclude<T extends z.ZodType>(props: T) {
  return z.strictObject({
    /** Keep only what matches. */
    include: props.optional(),
    /** Drop what matches (after include). */
    exclude: props.optional(),
  }).prefault({});
}

export const filterConfigSchema = z.strictObject({
  /** As in the Collector; these matchers cannot fail at run time, so every mode behaves alike. */
  error_mode: z.enum(['propagate', 'ignore', 'silent']).default('propagate'),
  spans: includeExclude(spanPropsSchema),
  logs: includeExclude(logPropsSchema),
  metrics: includeExclude(metricPropsSchema),
}).superRefine((c, ctx) => {
  // Under match_type: regexp every string is a pattern: checked here, with Go's error text.
  for (const signal of ['spans', 'logs', 'metrics'] as const) {
    for (const which of ['include', 'exclude'] as const) {
      const props = c[signal][which] as Record<string, unknown> | undefined;
      if (!props || props.match_type !== 'regexp') continue;
      for (const [field, list] of Object.entries(props)) {
        if (!Array.isArray(list)) continue;
        list.forEach((item: unknown, i) => {
          const re = typeof item === 'string' ? item : (item as { value?: unknown; name?: unknown }).value ?? (item as { name?: unknown }).name;
          if (typeof re !== 'string') return;
          const r = regexStringSchema.safeParse(re);
          if (!r.success) ctx.addIssue({ code: 'custom', path: [signal, which, field, i], message: r.error.issues[0].message });
        });
      }
    }
  }
  if (!c.spans.include && !c.spans.exclude && !c.logs.include && !c.logs.exclude && !c.metrics.include && !c.metrics.exclude) {
    ctx.addIssue({ code: 'custom', path: [], message: 'nothing to filter: set spans, logs or metrics include/exclude' });
  }
});
export type FilterConfig = z.infer<typeof filterConfigSchema>;
export type SpanProps = z.infer<typeof spanPropsSchema>;
export type LogProps = z.infer<typeof logPropsSchema>;
export type MetricProps = z.infer<typeof metricPropsSchema>;
export type AttributeMatch = z.infer<typeof attributeSchema>;
