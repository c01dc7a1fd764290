/**
 * connectors.spanmetrics: request/error/duration (RED) metrics derived from
 * spans, named and shaped like the Collector's spanmetrics connector seen
 * through a Prometheus exporter. Every key is documented in README.md.
 */
import { z } from 'zod';
import { sanitizeLabelName } from '../../translate/prometheus/names';
import { derivedMetricsKeys } from '../shared/config';
import { DEFAULT_BUCKETS, parseGoDurationNanos } from './buckets';

/** Dimensions every metric carries (can be excluded with exclude_dimensions). */
export const BASE_DIMENSIONS = ['service.name', 'span.name', 'span.kind', 'status.code'] as const;

/** Labels the connector sets itself; a dimension may not produce them. */
const RESERVED_LABELS = ['service_name', 'span_name', 'span_kind', 'status_code', 'job', 'instance', 'le', '__name__', 'otel_metric_overflow'];

export const dimensionSchema = z.strictObject({
  /** Span attribute (or, when the span lacks it, resource attribute) to read. */
  name: z.string().min(1),
  /** Value used when neither the span nor its resource has the attribute; without it the label is left out. */
  default: z.string().optional(),
});
export type Dimension = z.infer<typeof dimensionSchema>;

/** Lookout's defaults: the HTTP semantic conventions (old names are read as fallbacks, see README). */
export const DEFAULT_DIMENSIONS: Dimension[] = [
  { name: 'http.route' },
  { name: 'http.request.method' },
  { name: 'http.response.status_code' },
];

const bucketSchema = z.string().transform((s, ctx) => {
  try {
    return parseGoDurationNanos(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

export const spanmetricsConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Prefix of the metric names ("traces.span.metrics" -> traces_span_metrics_calls_total); "" for none. */
  namespace: z.string().default('traces.span.metrics'),
  histogram: z.strictObject({
    /** No duration histogram at all (calls only). */
    disable: z.boolean().default(false),
    /** Unit of the duration histogram: s -> *_duration_seconds, ms -> *_duration_milliseconds. */
    unit: z.enum(['s', 'ms']).default('s'),
    explicit: z.strictObject({
      /** Bucket upper bounds as durations (Go notation: 100us, 2ms, 1.5s), strictly increasing. */
      buckets: z.array(bucketSchema).min(1).default(DEFAULT_BUCKETS.map(parseGoDurationNanos)),
    }).prefault({}),
  }).prefault({}),
  /** Extra dimensions (labels), replacing the default HTTP ones. */
  dimensions: z.array(dimensionSchema).default(DEFAULT_DIMENSIONS),
  /** Base dimensions to leave out. */
  exclude_dimensions: z.array(z.enum(BASE_DIMENSIONS)).default([]),
  ...derivedMetricsKeys,
}).superRefine((c, ctx) => {
  const b = c.histogram.explicit.buckets;
  for (let i = 0; i < b.length; i++) {
    if (b[i] <= 0 || (i > 0 && b[i] <= b[i - 1])) {
      ctx.addIssue({ code: 'custom', path: ['histogram', 'explicit', 'buckets', i], message: 'buckets must be positive and strictly increasing' });
      break;
    }
  }
  const labels = new Map<string, string>();
  c.dimensions.forEach((d, i) => {
    const path = ['dimensions', i, 'name'];
    const label = sanitizeLabelName(d.name);
    if ((BASE_DIMENSIONS as readonly string[]).includes(d.name)) {
      ctx.addIssue({ code: 'custom', path, message: `${JSON.stringify(d.name)} is a base dimension already (remove it here)` });
    } else if (RESERVED_LABELS.includes(label)) {
      ctx.addIssue({ code: 'custom', path, message: `${JSON.stringify(d.name)} would become the label ${JSON.stringify(label)}, which the connector sets itself` });
    } else if (labels.has(label)) {
      const other = labels.get(label)!;
      ctx.addIssue({ code: 'custom', path, message: other === d.name
        ? `dimension ${JSON.stringify(d.name)} is listed twice`
        : `${JSON.stringify(d.name)} and ${JSON.stringify(other)} both become the label ${JSON.stringify(label)}` });
    }
    labels.set(label, d.name);
  });
});
export type SpanmetricsConfig = z.output<typeof spanmetricsConfigSchema>;
