/**
 * The receiver integrations' config in alertmanager.yml's format (http_config,
 * global, slack_configs, email_configs, pagerduty_configs, webhook_configs):
 * what agent/notify needs to deliver, one layer below agent/alerting, which
 * composes it into the whole `alerting:` section (agent/alerting/config.ts).
 */
import { z } from 'zod';
import { durationSchema } from '../config/duration';
import { NotificationTemplates } from '../templates/notification';
import { secret } from '../config/secret';

/** A key Alertmanager has that Lookout refuses, with what to use instead. */
export function unsupported(message: string) {
  return z.unknown().superRefine((_v, ctx) => { ctx.addIssue({ code: 'custom', message }); }).optional();
}

export function refuse(keys: string[], supported: string[]) {
  const shape: Record<string, ReturnType<typeof unsupported>> = {};
  for (const k of keys) shape[k] = unsupported(`not supported by Lookout (supported: ${supported.join(', ')})`);
  return shape;
}

/** Transforms a string with a parse function that throws into a zod issue. */
export function parsed<T>(fn: (s: string) => T) {
  return z.string().transform((s, ctx) => {
    try {
      return fn(s);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
}

export const urlSchema = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/**
 * A text Alertmanager runs through Go templates (notification templates,
 * agent/templates/notification.ts): checked for Go template syntax here,
 * executed per notification.
 */
const templateSchema = z.string().superRefine((s, ctx) => {
  if (!s.includes('{{')) return;
  const problem = NotificationTemplates.check(s);
  if (problem) ctx.addIssue({ code: 'custom', message: `invalid template: ${problem}` });
});
// ---- http_config (receivers that speak HTTP) ----

const HTTP_KEYS = ['authorization', 'basic_auth', 'follow_redirects'];
export const httpConfigSchema = z.strictObject({
  authorization: z.strictObject({
    type: z.string().regex(/^\S+$/, 'must be one word, e.g. Bearer').default('Bearer'),
    credentials: secret(z.string().optional()),
    credentials_file: z.string().optional(),
  }).refine((a) => !(a.credentials && a.credentials_file), { message: 'at most one of credentials and credentials_file' }).optional(),
  basic_auth: z.strictObject({
    username: z.string().min(1),
    password: secret(z.string().optional()),
    password_file: z.string().optional(),
  }).refine((b) => !(b.password && b.password_file), { message: 'at most one of password and password_file' }).optional(),
  follow_redirects: z.boolean().default(true),
  ...refuse([
    'tls_config', 'proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header', 'oauth2', 'bearer_token',
    'bearer_token_file', 'enable_http2', 'http_headers',
  ], HTTP_KEYS),
}).refine((h) => !(h.authorization && h.basic_auth), { message: 'at most one of authorization and basic_auth' });
export type HttpConfig = z.infer<typeof httpConfigSchema>;

// ---- global ----

const GLOBAL_KEYS = [
  'resolve_timeout', 'smtp_from', 'smtp_smarthost', 'smtp_auth_username', 'smtp_auth_password', 'smtp_auth_password_file',
  'smtp_auth_identity', 'smtp_require_tls', 'smtp_hello', 'slack_api_url', 'slack_api_url_file', 'pagerduty_url',
];
export const globalSchema = z.strictObject({
  resolve_timeout: durationSchema().default(5 * 60_000),
  smtp_from: z.string().optional(),
  smtp_smarthost: z.string().optional(),
  smtp_auth_username: z.string().optional(),
  smtp_auth_password: secret(z.string().optional()),
  smtp_auth_password_file: z.string().optional(),
  smtp_auth_identity: z.string().optional(),
  smtp_require_tls: z.boolean().default(true),
  smtp_hello: z.string().default('localhost'),
  slack_api_url: secret(urlSchema.optional()),
  slack_api_url_file: z.string().optional(),
  pagerduty_url: urlSchema.default('https://events.pagerduty.com/v2/enqueue'),
  ...refuse([
    'http_config', 'smtp_auth_secret', 'opsgenie_api_url', 'opsgenie_api_key', 'opsgenie_api_key_file', 'wechat_api_url',
    'wechat_api_secret', 'wechat_api_corp_id', 'victorops_api_url', 'victorops_api_key', 'victorops_api_key_file',
    'telegram_api_url', 'webex_api_url', 'pushover_api_url',
  ], GLOBAL_KEYS),
});
export type GlobalConfig = z.infer<typeof globalSchema>;

// ---- receivers ----

const tlsConfigSchema = z.strictObject({
  insecure_skip_verify: z.boolean().default(false),
  server_name: z.string().optional(),
  ...refuse(['ca_file', 'cert_file', 'key_file', 'min_version', 'max_version', 'ca', 'cert', 'key'], ['insecure_skip_verify', 'server_name']),
});

const SLACK_KEYS = ['send_resolved', 'api_url', 'api_url_file', 'channel', 'username', 'icon_emoji', 'icon_url', 'title',
  'title_link', 'pretext', 'text', 'fallback', 'color', 'footer', 'callback_id', 'image_url', 'thumb_url', 'fields',
  'short_fields', 'link_names', 'mrkdwn_in', 'actions', 'http_config'];
const slackActionSchema = z.strictObject({
  type: templateSchema,
  text: templateSchema,
  url: templateSchema.optional(),
  style: templateSchema.optional(),
  name: templateSchema.optional(),
  value: templateSchema.optional(),
  confirm: z.strictObject({
    title: templateSchema.optional(),
    text: templateSchema,
    ok_text: templateSchema.optional(),
    dismiss_text: templateSchema.optional(),
  }).optional(),
}).refine((a) => a.url || a.name, { message: 'an action needs url or name' });
export const slackConfigSchema = z.strictObject({
  send_resolved: z.boolean().default(false),
  api_url: secret(urlSchema.optional()),
  api_url_file: z.string().optional(),
  channel: templateSchema.optional(),
  username: templateSchema.optional(),
  icon_emoji: templateSchema.optional(),
  icon_url: templateSchema.optional(),
  title: templateSchema.optional(),
  title_link: templateSchema.optional(),
  pretext: templateSchema.optional(),
  text: templateSchema.optional(),
  fallback: templateSchema.optional(),
  color: templateSchema.optional(),
  footer: templateSchema.optional(),
  callback_id: templateSchema.optional(),
  image_url: templateSchema.optional(),
  thumb_url: templateSchema.optional(),
  fields: z.array(z.strictObject({ title: templateSchema, value: templateSchema, short: z.boolean().optional() })).default([]),
  short_fields: z.boolean().default(false),
  link_names: z.boolean().default(false),
  mrkdwn_in: z.array(z.string()).optional(),
  actions: z.array(slackActionSchema).default([]),
  http_config: httpConfigSchema.optional(),
  ...refuse(['update_message', 'app_token', 'app_token_file', 'app_url'], SLACK_KEYS),
}).refine((c) => !(c.api_url && c.api_url_file), { message: 'at most one of api_url and api_url_file' });
export type SlackConfig = z.infer<typeof slackConfigSchema>;

const EMAIL_KEYS = ['send_resolved', 'to', 'from', 'smarthost', 'hello', 'auth_username', 'auth_password', 'auth_password_file',
  'auth_identity', 'require_tls', 'tls_config', 'headers', 'html', 'text'];
export const emailConfigSchema = z.strictObject({
  send_resolved: z.boolean().default(false),
  to: templateSchema.pipe(z.string().min(1)),
  from: templateSchema.optional(),
  smarthost: z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port').optional(),
  hello: z.string().optional(),
  auth_username: z.string().optional(),
  auth_password: secret(z.string().optional()),
  auth_password_file: z.string().optional(),
  auth_identity: z.string().optional(),
  require_tls: z.boolean().optional(),
  tls_config: tlsConfigSchema.optional(),
  headers: z.record(z.string(), templateSchema).default({}),
  html: templateSchema.optional(),
  text: templateSchema.optional(),
  ...refuse(['auth_secret', 'auth_secret_file', 'threading'], EMAIL_KEYS),
}).refine((c) => !(c.auth_password && c.auth_password_file), { message: 'at most one of auth_password and auth_password_file' });
export type EmailConfig = z.infer<typeof emailConfigSchema>;

const PD_KEYS = ['send_resolved', 'routing_key', 'routing_key_file', 'url', 'client', 'client_url', 'description', 'details',
  'links', 'images', 'source', 'severity', 'class', 'component', 'group', 'http_config'];
export const pagerdutyConfigSchema = z.strictObject({
  send_resolved: z.boolean().default(true),
  routing_key: secret(z.string().optional()),
  routing_key_file: z.string().optional(),
  url: urlSchema.optional(),
  client: templateSchema.optional(),
  client_url: templateSchema.optional(),
  description: templateSchema.optional(),
  /** Added to Alertmanager's default details (firing, resolved, num_firing, num_resolved), replacing those with the same key. */
  details: z.record(z.string(), templateSchema).optional(),
  links: z.array(z.strictObject({ href: templateSchema, text: templateSchema.optional() })).default([]),
  images: z.array(z.strictObject({ src: templateSchema, alt: templateSchema.optional(), href: templateSchema.optional() })).default([]),
  source: templateSchema.optional(),
  severity: templateSchema.refine((s) => s.includes('{{') || ['critical', 'error', 'warning', 'info'].includes(s), {
    message: 'must be one of critical, error, warning, info (PagerDuty Events API v2), or a template',
  }).optional(),
  class: templateSchema.optional(),
  component: templateSchema.optional(),
  group: templateSchema.optional(),
  http_config: httpConfigSchema.optional(),
  ...refuse(['service_key', 'service_key_file'], PD_KEYS),
}).refine((c) => Boolean(c.routing_key) !== Boolean(c.routing_key_file), { message: 'exactly one of routing_key and routing_key_file is required (Events API v2; service_key/v1 is not supported)' });
export type PagerdutyConfig = z.infer<typeof pagerdutyConfigSchema>;

export const webhookConfigSchema = z.strictObject({
  send_resolved: z.boolean().default(true),
  url: secret(urlSchema.optional()),
  url_file: z.string().optional(),
  max_alerts: z.number().int().min(0).default(0),
  http_config: httpConfigSchema.optional(),
  ...refuse(['timeout'], ['send_resolved', 'url', 'url_file', 'max_alerts', 'http_config']),
}).refine((c) => Boolean(c.url) !== Boolean(c.url_file), { message: 'exactly one of url and url_file is required' });
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
