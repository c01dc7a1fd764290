/**
 * pagerduty_configs: PagerDuty Events API v2. One event per group: trigger
 * while any alert fires, resolve when all are resolved; dedup_key is the
 * SHA-256 hex of the group key, so PagerDuty folds repeats of a group into
 * one incident, across restarts too.
 */
import { createHash } from 'node:crypto';
import type { GlobalConfig, PagerdutyConfig } from '../alerting/config';
import { postJson, type FetchFn } from './http';
import type { Integration } from './integration';
import { firing, resolved, titleLine, type NotificationMessage } from './message';
import { secretOrFile } from './secret';

export function dedupKey(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}

const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);

export function pagerdutyEvent(msg: NotificationMessage, cfg: PagerdutyConfig, routingKey: string, now: Date) {
  const action = msg.status === 'firing' ? 'trigger' : 'resolve';
  const event: Record<string, unknown> = {
    routing_key: routingKey,
    event_action: action,
    dedup_key: dedupKey(msg.groupKey),
  };
  if (action === 'trigger') {
    const labelSeverity = msg.commonLabels.severity;
    const severity = cfg.severity ?? (labelSeverity && SEVERITIES.has(labelSeverity) ? labelSeverity : 'error');
    // PagerDuty truncates summaries above 1024 characters; cut first so the request is never refused.
    const summary = (cfg.description ?? titleLine(msg)).slice(0, 1024);
    event.payload = {
      summary,
      source: cfg.source ?? cfg.client,
      severity,
      timestamp: now.toISOString(),
      ...(cfg.component ? { component: cfg.component } : {}),
      ...(cfg.group ? { group: cfg.group } : {}),
      ...(cfg.class ? { class: cfg.class } : {}),
      custom_details: {
        firing: firing(msg).map((a) => ({ labels: a.labels, annotations: a.annotations, startsAt: a.startsAt })),
        resolved: resolved(msg).map((a) => ({ labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, endsAt: a.endsAt })),
        num_firing: String(firing(msg).length),
        num_resolved: String(resolved(msg).length),
        ...cfg.details,
      },
    };
    event.client = cfg.client;
    event.client_url = cfg.client_url ?? msg.externalURL;
    if (cfg.links.length) event.links = cfg.links.map((l) => ({ href: l.href, ...(l.text ? { text: l.text } : {}) }));
  }
  return event;
}

export class PagerdutyIntegration implements Integration {
  readonly name = 'pagerduty' as const;
  readonly sendResolved: boolean;

  constructor(private readonly cfg: PagerdutyConfig, private readonly global: GlobalConfig, readonly index: number,
    private readonly fetchFn: FetchFn, private readonly baseDir: string, private readonly now: () => number) {
    this.sendResolved = cfg.send_resolved;
  }

  async notify(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const key = secretOrFile(this.cfg.routing_key, this.cfg.routing_key_file, this.baseDir, 'pagerduty routing_key');
    if (!key) throw new Error('pagerduty: no routing_key or routing_key_file configured');
    const url = this.cfg.url ?? this.global.pagerduty_url;
    await postJson(this.fetchFn, url, pagerdutyEvent(msg, this.cfg, key, new Date(this.now())), signal, { http: this.cfg.http_config, baseDir: this.baseDir });
  }
}
