/**
 * webhook_configs: Alertmanager's webhook payload, version "4", field for
 * field: receiver, status, alerts[], groupLabels, commonLabels,
 * commonAnnotations, externalURL, version, groupKey, truncatedAlerts.
 * max_alerts > 0 truncates the list and reports how many were left out.
 * http_config adds an Authorization header (Bearer or basic auth).
 */
import type { WebhookConfig } from './config';
import { postJson, type FetchFn } from './http';
import type { Integration } from './integration';
import { buildMessage, type NotificationMessage } from './message';
import { readSecretFile } from './secret';

export function webhookPayload(full: NotificationMessage, maxAlerts: number) {
  const truncated = maxAlerts > 0 && full.alerts.length > maxAlerts ? full.alerts.length - maxAlerts : 0;
  // As Alertmanager: status, commonLabels and commonAnnotations describe the alerts that are sent.
  const msg = truncated ? buildMessage({ ...full, alerts: full.alerts.slice(0, maxAlerts) }) : full;
  return {
    receiver: msg.receiver,
    status: msg.status,
    alerts: msg.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
    groupLabels: msg.groupLabels,
    commonLabels: msg.commonLabels,
    commonAnnotations: msg.commonAnnotations,
    externalURL: msg.externalURL,
    version: '4',
    groupKey: msg.groupKey,
    truncatedAlerts: truncated,
  };
}

export class WebhookIntegration implements Integration {
  readonly name = 'webhook' as const;
  readonly sendResolved: boolean;

  constructor(private readonly cfg: WebhookConfig, readonly index: number, private readonly fetchFn: FetchFn, private readonly baseDir: string) {
    this.sendResolved = cfg.send_resolved;
  }

  async notify(msg: NotificationMessage, signal: AbortSignal): Promise<void> {
    const url = this.cfg.url ?? readSecretFile(this.cfg.url_file!, this.baseDir, 'webhook url');
    await postJson(this.fetchFn, url, webhookPayload(msg, this.cfg.max_alerts), signal, { http: this.cfg.http_config, baseDir: this.baseDir });
  }
}
