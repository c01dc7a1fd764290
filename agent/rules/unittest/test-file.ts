/**
 * The promtool unit-test file format (`promtool test rules`), read strictly
 * (an unknown key is an error, as promtool's UnmarshalStrict):
 *
 *   rule_files: [file or glob, relative to the test file]
 *   evaluation_interval: 1m
 *   group_eval_order: [group names]
 *   tests:
 *     - name, interval, external_labels, external_url,
 *       input_series: [{series, values}],
 *       alert_rule_test: [{eval_time, alertname, exp_alerts: [{exp_labels, exp_annotations}]}],
 *       promql_expr_test: [{expr, eval_time, exp_samples: [{labels, value}]}]
 *       input_logs, logmetrics (Lookout only: log records as log-derived metrics, see logs.ts)
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../../config/duration';

/** A Prometheus duration as YAML gives it ("5m", or a bare 0). */
const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return parseDuration(String(v));
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const stringMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

/** Lookout: one log record of input_logs (see logs.ts). */
const inputLogSchema = z.strictObject({
  timestamp: duration.default(0),
  severity: z.union([z.string(), z.number().int().min(1).max(24)]).optional(),
  body: z.union([z.string(), z.number(), z.boolean()]).transform(String).default(''),
  attributes: stringMap.nullish().transform((v) => v ?? {}),
  resource: stringMap.nullish().transform((v) => v ?? {}),
  count: z.number().int().min(1).default(1),
});
export type InputLog = z.infer<typeof inputLogSchema>;

const testGroupSchema = z.strictObject({
  name: z.string().optional(),
  interval: duration.optional(),
  input_series: z.array(z.strictObject({ series: z.string(), values: z.union([z.string(), z.number()]).transform(String).default('') })).nullish().transform((v) => v ?? []),
  alert_rule_test: z.array(z.strictObject({
    eval_time: duration.default(0),
    alertname: z.string().default(''),
    exp_alerts: z.array(z.strictObject({
      exp_labels: stringMap.nullish().transform((v) => v ?? {}),
      exp_annotations: stringMap.nullish().transform((v) => v ?? {}),
    })).nullish().transform((v) => v ?? []),
  })).nullish().transform((v) => v ?? []),
  promql_expr_test: z.array(z.strictObject({
    expr: z.string(),
    eval_time: duration.default(0),
    exp_samples: z.array(z.strictObject({
      labels: z.string().default(''),
      value: z.number().default(0),
    })).nullish().transform((v) => v ?? []),
  })).nullish().transform((v) => v ?? []),
  external_labels: stringMap.nullish().transform((v) => v ?? {}),
  external_url: z.string().default(''),
  /** Lookout: log records turned into log-derived metrics (logs.ts); promtool refuses the key. */
  input_logs: z.array(inputLogSchema).nullish().transform((v) => v ?? []),
  /** Lookout: connectors.logmetrics settings for input_logs (counters, ...); validated by the connector's schema. */
  logmetrics: z.unknown().optional(),
});

export const unitTestFileSchema = z.strictObject({
  rule_files: z.array(z.string()).nullish().transform((v) => v ?? []),
  evaluation_interval: duration.optional(),
  group_eval_order: z.array(z.string()).nullish().transform((v) => v ?? []),
  tests: z.array(testGroupSchema).nullish().transform((v) => v ?? []),
});

export type UnitTestFile = z.infer<typeof unitTestFileSchema>;
export type TestGroup = z.infer<typeof testGroupSchema>;

/** Parses a unit-test file's text; throws an Error listing every problem with its YAML path. */
export function parseUnitTestFile(text: string): UnitTestFile {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new Error(doc.errors.map((e) => `yaml: ${e.message.split('\n')[0]}`).join('\n'));
  }
  const parsed = unitTestFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => {
      const where = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      if (i.code === 'unrecognized_keys') return `${where || '(top level)'}: unknown field(s) ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`;
      return `${where || '(top level)'}: ${i.message}`;
    }).join('\n'));
  }
  return parsed.data;
}
