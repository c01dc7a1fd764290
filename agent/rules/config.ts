/**
 * rules: Prometheus rule files evaluated in the agent (issue 5). Keys mirror
 * Prometheus' global config and command-line flags (evaluation_interval,
 * external_labels, --rules.alert.resend-delay, --rules.alert.for-outage-
 * tolerance, --rules.alert.for-grace-period); default_pack controls the rules
 * Lookout ships. Every key is documented in agent/rules/README.md.
 */
import { z } from 'zod';
import { durationSchema } from '../config/duration';
import { isValidLabelName } from './labels';

const labelMapSchema = z.record(z.string(), z.string()).superRefine((rec, ctx) => {
  for (const name of Object.keys(rec)) {
    if (!isValidLabelName(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: `invalid label name ${JSON.stringify(name)} (use [a-zA-Z_][a-zA-Z0-9_]*)` });
    }
  }
});

/** Replacement parts for one default-pack rule, keyed by the rule's name. */
export const ruleOverrideSchema = z.strictObject({
  /** Replaces the PromQL expression (e.g. a different threshold). */
  expr: z.string().min(1).optional(),
  /** Replaces `for` (alerting rules). */
  for: durationSchema().optional(),
  /** Replaces `keep_firing_for` (alerting rules). */
  keep_firing_for: durationSchema().optional(),
  /** Merged into the rule's labels; an empty value removes a label. */
  labels: z.record(z.string(), z.string()).optional(),
  /** Merged into the rule's annotations; an empty value removes an annotation. */
  annotations: z.record(z.string(), z.string()).optional(),
});
export type RuleOverride = z.infer<typeof ruleOverrideSchema>;

export const defaultPackSchema = z.strictObject({
  /** Load deploy/rules/lookout-default.rules.yaml. */
  enabled: z.boolean().default(true),
  /** Names (alert or record) of pack rules to leave out. */
  disabled_rules: z.array(z.string().min(1)).default([]),
  /** Per-rule replacements, keyed by rule name. */
  overrides: z.record(z.string(), ruleOverrideSchema).default({}),
});
export type DefaultPackConfig = z.infer<typeof defaultPackSchema>;

export const rulesConfigSchema = z.strictObject({
  /** Rule files (paths or globs, relative to the config file's directory). */
  files: z.array(z.string().min(1)).default([]),
  /** How often groups without their own interval are evaluated. */
  evaluation_interval: durationSchema()
    .refine((ms) => ms >= 1000, { message: 'must be at least 1s' })
    // 5s, not Prometheus' 1m/15s: a sidecar holds one app's series (the whole default pack costs
    // ~0.5 s of CPU per evaluation at 100 000 series, 10 % of a core at 5s; bench/alerting/eval-cost.bench.ts).
    .default(5_000),
  /** Labels added to every alert sent (if the alert lacks them) and visible to templates as $externalLabels. */
  external_labels: labelMapSchema.default({}),
  /** Base of alerts' generatorURL and of templates' $externalURL; empty means relative links. */
  external_url: z.union([z.literal(''), z.url()]).default(''),
  /** Minimum time between re-sending a firing alert (Prometheus --rules.alert.resend-delay). */
  resend_delay: durationSchema().default(60_000),
  /** Restored alert state older than this is discarded (--rules.alert.for-outage-tolerance). */
  outage_tolerance: durationSchema().default(3600_000),
  /** A restored pending alert gets at least this long before firing (--rules.alert.for-grace-period). */
  for_grace_period: durationSchema().default(600_000),
  /**
   * After a restart the local store is empty: a restored firing alert whose
   * expression returns nothing stays firing this long (Lookout-specific).
   */
  restore_hold: durationSchema().default(120_000),
  default_pack: defaultPackSchema.prefault({}),
});
export type RulesConfig = z.infer<typeof rulesConfigSchema>;
