/**
 * slack_configs: an incoming-webhook POST with one attachment, rendered as
 * Alertmanager 0.25 renders it: every field is a Go template over
 * Alertmanager's template data, and an unset field uses Alertmanager's
 * default (`{{ template "slack.default.title" . }}`, color danger/good,
 * ...), so a config that only sets `channel` posts the same message.
 *
 * Escaping (escape.ts): Alertmanager escapes nothing for Slack, so a label
 * value could mention `<!channel>` or smuggle a link. Lookout escapes
 * Slack's control characters (& < >) in label and annotation VALUES before
 * they reach the templates; the operator's own template text stays markup
 * (links, mentions in `pretext`). Messages are paced per webhook URL
 * (slack-rate.ts).
 */
import type { GlobalConfig, SlackConfig } from './config';
import { SLACK_DEFAULTS } from '../templates/notification-defaults';
import type { NotificationTemplates, TemplateHolder } from '../templates/notification';
import { postJson, type FetchFn } from './http';
import type { Integration } from './integration';
import type { NotificationMessage } from './message';
import { secretOrFile } from './secret';
import { escapeSlack } from './escape';
import { renderer, truncateInRunes } from './render';
import type { SlackPost, SlackRateLimiter } from './slack-rate';

const MAX_TITLE_RUNES = 1024;

export function slackPayload(msg: NotificationMessage, cfg: SlackConfig, templates: NotificationTemplates): Record<string, unknown> & { attachments: unknown[] } {
  const r = renderer(templates, templates.data(msg, escapeSlack));
  const t = (text: string | undefined, dflt = '') => r.text(text ?? dflt);
  const attachment: Record<string, unknown> = {};
  const title = truncateInRunes(t(cfg.title, SLACK_DEFAULTS.title), MAX_TITLE_RUNES);
  const set = (key: string, value: string) => { if (value) attachment[key] = value; };
  // Alertmanager's attachment JSON: empty title, title_link, pretext, image_url, thumb_url, color are left out; text, fallback, callback_id, footer are always sent.
  set('title', title);
  set('title_link', t(cfg.title_link, SLACK_DEFAULTS.title_link));
  set('pretext', t(cfg.pretext, SLACK_DEFAULTS.pretext));
  attachment.text = t(cfg.text, SLACK_DEFAULTS.text);
  attachment.fallback = t(cfg.fallback, SLACK_DEFAULTS.fallback);
  attachment.callback_id = t(cfg.callback_id, SLACK_DEFAULTS.callback_id);
  if (cfg.fields.length) {
    attachment.fields = cfg.fields.map((f) => ({ title: t(f.title), value: t(f.value), short: f.short ?? cfg.short_fields }));
  }
  if (cfg.actions.length) {
    attachment.actions = cfg.actions.map((a) => {
      const out: Record<string, unknown> = { type: t(a.type), text: t(a.text) };
      for (const k of ['url', 'style', 'name', 'value'] as const) { const v = t(a[k]); if (v) out[k] = v; }
      if (a.confirm) {
        out.confirm = { text: t(a.confirm.text) } as Record<string, string>;
        for (const k of ['title', 'ok_text', 'dismiss_text'] as const) { const v = t(a.confirm[k]); if (v) (out.confirm as Record<string, string>)[k] = v; }
      }
      return out;
    });
  }
  set('image_url', t(cfg.image_url));
  set('thumb_url', t(cfg.thumb_url));
  attachment.footer = t(cfg.footer, SLACK_DEFAULTS.footer);
  set('color', t(cfg.color, SLACK_DEFAULTS.color));
  attachment.mrkdwn_in = cfg.mrkdwn_in && cfg.mrkdwn_in.length ? cfg.mrkdwn_in : ['fallback', 'pretext', 'text'];

  const payload: Record<string, unknown> = {};
  const top = (key: string, value: string) => { if (value) payload[key] = value; };
  top('channel', t(cfg.channel));
  top('username', t(cfg.username, SLACK_DEFAULTS.username));
  top('icon_emoji', t(cfg.icon_emoji, SLACK_DEFAULTS.icon_emoji));
  top('icon_url', t(cfg.icon_url, SLACK_DEFAULTS.icon_url));
  if (cfg.link_names) payload.link_names = true;
  r.check();
  return { ...payload, attachments: [attachment] };
}


export class SlackIntegration implements Integration {
  readonly name = 'slack' as const;
  readonly sendResolved: boolean;

  constructor(private readonly cfg: SlackConfig, private readonly global: GlobalConfig, readonly index: number, private readonly fetchFn: FetchFn,
    private readonly baseDir: string, private readonly templates: TemplateHolder, private readonly pacer?: SlackRateLimiter) {
    this.sendResolved = cfg.send_resolved;
  }

  async notify(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const url = secretOrFile(this.cfg.api_url, this.cfg.api_url_file, this.baseDir, 'slack api_url')
      ?? secretOrFile(this.global.slack_api_url, this.global.slack_api_url_file, this.baseDir, 'global.slack_api_url');
    if (!url) throw new Error('slack: no api_url, api_url_file or global.slack_api_url configured');
    const payload = slackPayload(msg, this.cfg, this.templates.current);
    const post: SlackPost = (p, s) => postJson(this.fetchFn, url, p, s, { http: this.cfg.http_config, baseDir: this.baseDir }).then(() => undefined);
    await (this.pacer ? this.pacer.send(url, payload, post, signal) : post(payload, signal));
  }
}
