/**
 * pagerduty_configs: PagerDuty Events API v2, rendered as Alertmanager 0.25
 * renders it. One event per group: trigger while any alert fires, resolve
 * when all are resolved; dedup_key is the SHA-256 hex of the group key (as
 * Alertmanager's), so PagerDuty folds repeats of a group into one
 * incident, across restarts too. description, client, client_url,
 * details, links, images, source, severity, class, component and group
 * are Go templates over Alertmanager's template data, with Alertmanager's
 * defaults (`pagerduty.default.description`, details firing/resolved/
 * num_firing/num_resolved merged under the configured ones, severity "error").
 */
import { createHash } from 'node:crypto';
import type { GlobalConfig, PagerdutyConfig } from './config';
import { PAGERDUTY_DEFAULTS } from '../templates/notification-defaults';
import type { NotificationTemplates, TemplateHolder } from '../templates/notification';
import { postJson, type FetchFn } from './http';
import type { Integration } from './integration';
import type { NotificationMessage } from './message';
import { renderer, truncateInRunes } from './render';
import { secretOrFile } from './secret';

export function dedupKey(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}

/** PagerDuty refuses summaries above 1024 characters; Alertmanager cuts them first. */
const MAX_SUMMARY_RUNES = 1024;

export function pagerdutyEvent(msg: NotificationMessage, cfg: PagerdutyConfig, routingKey: string, templates: NotificationTemplates) {
  const r = renderer(templates, templates.data(msg));
  const t = (text: string | undefined, dflt = '') => r.text(text ?? dflt);
  const action = msg.status === 'firing' ? 'trigger' : 'resolve';
  const event: Record<string, unknown> = {
    routing_key: routingKey,
    event_action: action,
    dedup_key: dedupKey(msg.groupKey),
  };
  const client = t(cfg.client, PAGERDUTY_DEFAULTS.client);
  // Alertmanager sends the payload with resolve events too (PagerDuty ignores it there).
  const details: Record<string, string> = {};
  // Alertmanager adds its default details under the keys the config does not set.
  for (const [k, v] of Object.entries({ ...PAGERDUTY_DEFAULTS.details, ...cfg.details })) details[k] = t(v);
  const payload: Record<string, unknown> = {
    summary: truncateInRunes(t(cfg.description, PAGERDUTY_DEFAULTS.description), MAX_SUMMARY_RUNES),
    source: cfg.source ? t(cfg.source) : client,
    severity: t(cfg.severity, PAGERDUTY_DEFAULTS.severity),
    custom_details: details,
  };
  for (const k of ['class', 'component', 'group'] as const) { const v = t(cfg[k]); if (v) payload[k] = v; }
  event.payload = payload;
  if (client) event.client = client;
  const clientUrl = t(cfg.client_url, PAGERDUTY_DEFAULTS.client_url);
  if (clientUrl) event.client_url = clientUrl;
  const images = cfg.images.map((i) => ({ src: t(i.src), alt: t(i.alt), href: t(i.href) })).filter((i) => i.src);
  if (images.length) event.images = images.map((i) => Object.fromEntries(Object.entries(i).filter(([, v]) => v)));
  const links = cfg.links.map((l) => ({ href: t(l.href), text: t(l.text) })).filter((l) => l.href);
  if (links.length) event.links = links.map((l) => (l.text ? l : { href: l.href }));
  r.check();
  return event;
}

export class PagerdutyIntegration implements Integration {
  readonly name = 'pagerduty' as const;
  readonly sendResolved: boolean;

  constructor(private readonly cfg: PagerdutyConfig, private readonly global: GlobalConfig, readonly index: number,
    private readonly fetchFn: FetchFn, private readonly baseDir: string, private readonly templates: TemplateHolder) {
    this.sendResolved = cfg.send_resolved;
  }

  async notify(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const key = secretOrFile(this.cfg.routing_key, this.cfg.routing_key_file, this.baseDir, 'pagerduty routing_key');
    if (!key) throw new Error('pagerduty: no routing_key or routing_key_file configured');
    const url = this.cfg.url ?? this.global.pagerduty_url;
    await postJson(this.fetchFn, url, pagerdutyEvent(msg, this.cfg, key, this.templates.current), signal, { http: this.cfg.http_config, baseDir: this.baseDir });
  }
}
