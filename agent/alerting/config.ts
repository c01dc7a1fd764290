/**
 * alerting: Alertmanager's alertmanager.yml, loaded unchanged for the
 * supported subset (global, route, receivers, inhibit_rules, time_intervals, templates),
 * plus Lookout's own `alertmanagers:` (forward alerts to real Alertmanagers),
 * `external_url` and `limits` (Alertmanager's silence limits flags). Keys Alertmanager knows but Lookout does not implement
 * are refused by name with the list of what is supported, so a config never
 * silently loses a notification channel.
 */
import { z } from 'zod';
import { durationSchema } from '../config/duration';
import { secret } from '../config/secret';
import { anchoredRegex, newMatcher, parseMatchers, type Matcher } from './matcher';
import {
  checkLocation, parseDayOfMonthRange, parseMonthRange, parseTimeRange, parseWeekdayRange, parseYearRange,
  type Range, type TimeIntervalSpec,
} from './timeinterval';
import {
  emailConfigSchema, globalSchema, pagerdutyConfigSchema, parsed, refuse, slackConfigSchema, urlSchema, webhookConfigSchema,
} from '../notify/config';

// The integrations' schemas live with agent/notify (no alerting <-> notify cycle); re-exported for alerting's users.
export {
  emailConfigSchema, globalSchema, httpConfigSchema, pagerdutyConfigSchema, slackConfigSchema, webhookConfigSchema,
  type EmailConfig, type GlobalConfig, type HttpConfig, type PagerdutyConfig, type SlackConfig, type WebhookConfig,
} from '../notify/config';

const matchersSchema = z.array(parsed(parseMatchers)).transform((lists) => lists.flat());
const regexSchema = z.string().superRefine((s, ctx) => {
  try { anchoredRegex(s); } catch (err) { ctx.addIssue({ code: 'custom', message: (err as Error).message }); }
});

const RECEIVER_TYPES = ['slack_configs', 'email_configs', 'pagerduty_configs', 'webhook_configs'];
export const receiverSchema = z.strictObject({
  name: z.string().min(1),
  slack_configs: z.array(slackConfigSchema).default([]),
  email_configs: z.array(emailConfigSchema).default([]),
  pagerduty_configs: z.array(pagerdutyConfigSchema).default([]),
  webhook_configs: z.array(webhookConfigSchema).default([]),
  ...refuse([
    'opsgenie_configs', 'wechat_configs', 'pushover_configs', 'victorops_configs', 'sns_configs', 'telegram_configs',
    'webex_configs', 'discord_configs', 'msteams_configs', 'msteamsv2_configs', 'jira_configs', 'rocketchat_configs',
    'incidentio_configs',
  ], RECEIVER_TYPES),
});
export type ReceiverConfig = z.infer<typeof receiverSchema>;

// ---- route ----

export interface RouteConfig {
  receiver?: string;
  group_by?: string[];
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  matchers: Matcher[];
  continue: boolean;
  routes: RouteConfig[];
  mute_time_intervals: string[];
  active_time_intervals: string[];
}

const groupBySchema = z.array(z.string()).superRefine((names, ctx) => {
  if (names.includes('...') && names.length > 1) ctx.addIssue({ code: 'custom', message: "'...' (group by all labels) must be the only entry" });
  for (const n of names) if (n !== '...' && !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n)) ctx.addIssue({ code: 'custom', message: `invalid label name ${JSON.stringify(n)}` });
});

export const routeSchema: z.ZodType<RouteConfig> = z.lazy(() => z.strictObject({
  receiver: z.string().optional(),
  group_by: groupBySchema.optional(),
  group_wait: durationSchema().optional(),
  group_interval: durationSchema().refine((v) => v > 0, 'must be greater than 0').optional(),
  repeat_interval: durationSchema().refine((v) => v > 0, 'must be greater than 0').optional(),
  matchers: matchersSchema.default([]),
  match: z.record(z.string(), z.string()).optional(),
  match_re: z.record(z.string(), regexSchema).optional(),
  continue: z.boolean().default(false),
  routes: z.array(routeSchema).default([]),
  mute_time_intervals: z.array(z.string()).default([]),
  active_time_intervals: z.array(z.string()).default([]),
}).transform((r) => {
  // Legacy match/match_re become matchers, as Alertmanager converts them.
  const legacy: Matcher[] = [
    ...Object.entries(r.match ?? {}).map(([k, v]) => newMatcher(k, '=', v)),
    // Alertmanager keeps match_re values anchored, `^(?:re)$`, and prints them so in group keys (same matches).
    ...Object.entries(r.match_re ?? {}).map(([k, v]) => ({ ...newMatcher(k, '=~', v), value: `^(?:${v})$` })),
  ];
  const { match: _m, match_re: _mr, ...rest } = r;
  return { ...rest, matchers: [...legacy, ...r.matchers] };
}));

// ---- inhibit_rules, time_intervals ----

export const inhibitRuleSchema = z.strictObject({
  source_matchers: matchersSchema.default([]),
  target_matchers: matchersSchema.default([]),
  source_match: z.record(z.string(), z.string()).optional(),
  source_match_re: z.record(z.string(), regexSchema).optional(),
  target_match: z.record(z.string(), z.string()).optional(),
  target_match_re: z.record(z.string(), regexSchema).optional(),
  equal: z.array(z.string()).default([]),
}).transform((r) => ({
  source_matchers: [
    ...Object.entries(r.source_match ?? {}).map(([k, v]) => newMatcher(k, '=', v)),
    ...Object.entries(r.source_match_re ?? {}).map(([k, v]) => newMatcher(k, '=~', v)),
    ...r.source_matchers,
  ],
  target_matchers: [
    ...Object.entries(r.target_match ?? {}).map(([k, v]) => newMatcher(k, '=', v)),
    ...Object.entries(r.target_match_re ?? {}).map(([k, v]) => newMatcher(k, '=~', v)),
    ...r.target_matchers,
  ],
  equal: r.equal,
}));
export type InhibitRuleConfig = z.infer<typeof inhibitRuleSchema>;

function ranges(fn: (s: string) => Range) {
  return z.array(parsed(fn)).optional();
}

const timeIntervalSpecSchema = z.strictObject({
  times: z.array(z.strictObject({ start_time: z.string(), end_time: z.string() }).transform((r, ctx) => {
    try { return parseTimeRange(r); } catch (err) { ctx.addIssue({ code: 'custom', message: (err as Error).message }); return z.NEVER; }
  })).optional(),
  weekdays: ranges(parseWeekdayRange),
  days_of_month: ranges(parseDayOfMonthRange),
  months: ranges(parseMonthRange),
  years: ranges(parseYearRange),
  location: z.string().superRefine((s, ctx) => {
    try { checkLocation(s); } catch (err) { ctx.addIssue({ code: 'custom', message: (err as Error).message }); }
  }).optional(),
}).transform((t): TimeIntervalSpec => ({
  times: t.times, weekdays: t.weekdays, daysOfMonth: t.days_of_month, months: t.months, years: t.years, location: t.location,
}));

export const timeIntervalSchema = z.strictObject({
  name: z.string().min(1),
  time_intervals: z.array(timeIntervalSpecSchema),
});

export const alertmanagerTargetSchema = z.strictObject({
  /** Base URL of an Alertmanager; alerts go to {url}/api/v2/alerts. */
  url: urlSchema,
  /** Per POST; Prometheus' alertmanager_config.timeout default. */
  timeout: durationSchema().refine((v) => v > 0, 'must be greater than 0').default(10_000),
  /** Extra request headers, e.g. a tenant id or a proxy's Authorization. */
  headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name'), secret(z.string())).default({}),
});

/**
 * Lookout: bounds on what the API and rule evaluation can make the notifier
 * keep (Alertmanager's --silences.max-silences and
 * --silences.max-silence-size-bytes command-line flags, plus a bound on
 * stored alerts). 0 means no limit, as in Alertmanager.
 */
export const alertingLimitsSchema = z.strictObject({
  /** Silences not yet expired (active + pending); expired ones are evicted oldest first to make room. */
  max_silences: z.number().int().min(0).default(1000),
  /** One silence's size: its JSON as stored in alerting.db, in bytes. */
  max_silence_size_bytes: z.number().int().min(0).default(8192),
  /** Alerts the dispatcher keeps (firing and recently resolved), from rule evaluation and POST /api/v1/alerts/test. */
  max_alerts: z.number().int().min(0).default(10_000),
});

/** Lookout: pacing of Slack webhooks (notify/slack-rate.ts). */
export const slackRateLimitSchema = z.strictObject({
  /** Messages per second to one webhook URL (Slack's documented limit is 1); more wait and are merged. */
  messages_per_second: z.number().positive().max(100).default(1),
  /** Messages waiting per webhook URL; beyond it a delivery fails now and is retried. */
  max_queued: z.number().int().min(1).default(1000),
  /** The longest Retry-After (after a 429) honoured by waiting; a longer one fails the delivery (retried later). */
  max_retry_after: durationSchema().default(60_000),
});
export type AlertingLimits = z.infer<typeof alertingLimitsSchema>;

// ---- the whole section ----

function walkRoutes(r: RouteConfig, path: (string | number)[], visit: (r: RouteConfig, path: (string | number)[]) => void): void {
  visit(r, path);
  r.routes.forEach((child, i) => walkRoutes(child, [...path, 'routes', i], visit));
}

export const alertingConfigSchema = z.strictObject({
  global: globalSchema.prefault({}),
  route: routeSchema.optional(),
  receivers: z.array(receiverSchema).default([]),
  inhibit_rules: z.array(inhibitRuleSchema).default([]),
  time_intervals: z.array(timeIntervalSchema).default([]),
  /** Lookout: forward every alert to these Alertmanagers too (as Prometheus does). */
  alertmanagers: z.array(alertmanagerTargetSchema).default([]),
  /** Lookout: the URL links in notifications point to (Alertmanager's --web.external-url). */
  external_url: urlSchema.optional(),
  /** Lookout: limits on silences and stored alerts (Alertmanager has them as command-line flags). */
  limits: alertingLimitsSchema.prefault({}),
  /** Notification template files (globs, relative to the config file), as in alertmanager.yml. */
  templates: z.array(z.string().min(1)).default([]),
  /** Lookout: characters one notification field may render to; a larger one fails that delivery (a bound on event-loop time). */
  template_max_output_chars: z.number().int().min(1024).default(4 * 1024 * 1024),
  /** Lookout: at most this many Slack messages per second per webhook; the rest wait and are merged. */
  slack_rate_limit: slackRateLimitSchema.prefault({}),
  ...refuse(['mute_time_intervals'], ['global', 'route', 'receivers', 'inhibit_rules', 'time_intervals', 'templates', 'template_max_output_chars', 'alertmanagers', 'external_url', 'limits', 'slack_rate_limit']),
}).superRefine((c, ctx) => {
  const names = new Set<string>();
  c.receivers.forEach((r, i) => {
    if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: ['receivers', i, 'name'], message: `duplicate receiver name ${JSON.stringify(r.name)}` });
    names.add(r.name);
  });
  const intervals = new Set<string>();
  c.time_intervals.forEach((t, i) => {
    if (intervals.has(t.name)) ctx.addIssue({ code: 'custom', path: ['time_intervals', i, 'name'], message: `duplicate time interval name ${JSON.stringify(t.name)}` });
    intervals.add(t.name);
  });
  if (!c.route) {
    if (c.receivers.length) ctx.addIssue({ code: 'custom', path: ['route'], message: 'receivers are defined but no route: add route.receiver' });
    return;
  }
  if (!c.route.receiver) ctx.addIssue({ code: 'custom', path: ['route', 'receiver'], message: 'the root route must have a receiver' });
  if (c.route.matchers.length) ctx.addIssue({ code: 'custom', path: ['route', 'matchers'], message: 'the root route must not have matchers' });
  if (c.route.mute_time_intervals.length || c.route.active_time_intervals.length) {
    ctx.addIssue({ code: 'custom', path: ['route'], message: 'the root route must not have mute_time_intervals or active_time_intervals' });
  }
  walkRoutes(c.route, ['route'], (r, p) => {
    if (r.receiver !== undefined && !names.has(r.receiver)) {
      ctx.addIssue({ code: 'custom', path: [...p, 'receiver'], message: `undefined receiver ${JSON.stringify(r.receiver)} (defined: ${[...names].join(', ') || 'none'})` });
    }
    for (const key of ['mute_time_intervals', 'active_time_intervals'] as const) {
      r[key].forEach((n, i) => {
        if (!intervals.has(n)) ctx.addIssue({ code: 'custom', path: [...p, key, i], message: `undefined time interval ${JSON.stringify(n)} (defined in alerting.time_intervals: ${[...intervals].join(', ') || 'none'})` });
      });
    }
  });
});
export type AlertingConfig = z.infer<typeof alertingConfigSchema>;
