/**
 * slack_configs: an incoming-webhook POST with one attachment rendered like
 * Alertmanager's default templates: color danger (firing critical) / warning
 * (other firing) / good (resolved), title `[FIRING:N] alertname ...`,
 * title_link back to the source (the alerts' generatorURL when they share
 * one, else the external URL's alert list for this receiver), text with each
 * alert's summary or description and labels, fallback for clients without
 * attachments. title, title_link, pretext, text, fallback and color may be
 * set to literal texts that replace the defaults.
 */
import type { GlobalConfig, SlackConfig } from '../alerting/config';
import { postJson, type FetchFn } from './http';
import type { Integration } from './integration';
import { titleLine, labelPairs, type NotificationMessage } from './message';
import { secretOrFile } from './secret';
import { escapeSlack } from './escape';

export function slackColor(msg: NotificationMessage): 'danger' | 'warning' | 'good' {
  if (msg.status === 'resolved') return 'good';
  const critical = msg.alerts.some((a) => a.status === 'firing' && a.labels.severity === 'critical');
  return critical || msg.commonLabels.severity === 'critical' ? 'danger' : 'warning';
}

/** Label and annotation values are escaped (escape.ts): they cannot mention or link in Slack. */
export function slackText(msg: NotificationMessage): string {
  const e = escapeSlack;
  return msg.alerts.map((a) => {
    const lines = [`*Alert:* ${e(a.annotations.summary ?? a.labels.alertname ?? '')}${a.labels.severity ? ` - \`${e(a.labels.severity)}\`` : ''} (${a.status})`];
    if (a.annotations.description) lines.push(`*Description:* ${e(a.annotations.description)}`);
    lines.push(`*Labels:* ${e(labelPairs(a.labels))}`);
    return lines.join('\n');
  }).join('\n\n');
}

/** Where the title points: the rule's expression when every alert comes from one, else the receiver's alert list. */
export function defaultTitleLink(msg: NotificationMessage): string {
  const sources = new Set(msg.alerts.map((a) => a.generatorURL));
  const [only] = sources;
  if (sources.size === 1 && /^https?:\/\//.test(only)) return only;
  return `${msg.externalURL.replace(/\/$/, '')}/api/v2/alerts?receiver=${encodeURIComponent(msg.receiver)}`;
}

export function slackPayload(msg: NotificationMessage, cfg: SlackConfig) {
  const title = cfg.title ?? escapeSlack(titleLine(msg));
  const titleLink = cfg.title_link ?? defaultTitleLink(msg);
  const attachment: Record<string, unknown> = {
    color: cfg.color ?? slackColor(msg),
    title,
    title_link: titleLink,
    text: cfg.text ?? slackText(msg),
    fallback: cfg.fallback ?? `${title} | ${titleLink}`,
    mrkdwn_in: ['fallback', 'pretext', 'text'],
  };
  if (cfg.pretext) attachment.pretext = cfg.pretext;
  const payload: Record<string, unknown> = { attachments: [attachment] };
  if (cfg.channel) payload.channel = cfg.channel;
  if (cfg.username) payload.username = cfg.username;
  if (cfg.icon_emoji) payload.icon_emoji = cfg.icon_emoji;
  if (cfg.icon_url) payload.icon_url = cfg.icon_url;
  return payload;
}

export class SlackIntegration implements Integration {
  readonly name = 'slack' as const;
  readonly sendResolved: boolean;

  constructor(private readonly cfg: SlackConfig, private readonly global: GlobalConfig, readonly index: number, private readonly fetchFn: FetchFn, private readonly baseDir: string) {
    this.sendResolved = cfg.send_resolved;
  }

  async notify(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const url = secretOrFile(this.cfg.api_url, this.cfg.api_url_file, this.baseDir, 'slack api_url')
      ?? secretOrFile(this.global.slack_api_url, this.global.slack_api_url_file, this.baseDir, 'global.slack_api_url');
    if (!url) throw new Error('slack: no api_url, api_url_file or global.slack_api_url configured');
    await postJson(this.fetchFn, url, slackPayload(msg, this.cfg), signal, { http: this.cfg.http_config, baseDir: this.baseDir });
  }
}
