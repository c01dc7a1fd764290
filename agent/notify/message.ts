/**
 * What every integration renders from: Alertmanager's template data
 * (receiver, status, alerts, groupLabels, commonLabels, commonAnnotations,
 * externalURL, groupKey). Firing alerts carry the zero time as endsAt, as
 * Alertmanager's dispatcher clears it so alerts do not "resolve" in transit.
 */
import type { TemplateAlert, TemplateMessage } from '../templates/notification-data';

/** One alert of a notification (the shape templates read, templates/notification-data.ts). */
export type NotifiedAlert = TemplateAlert;

export interface NotificationMessage extends TemplateMessage {
  alerts: NotifiedAlert[];
  groupKey: string;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Key/values shared by every map (Alertmanager's CommonLabels/CommonAnnotations). */
export function common(maps: Record<string, string>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = { ...maps[0] };
  for (const m of maps.slice(1)) for (const k of Object.keys(out)) if (m[k] !== out[k]) delete out[k];
  return out;
}

export function buildMessage(args: {
  receiver: string; groupKey: string; groupLabels: Record<string, string>; externalURL: string; alerts: NotifiedAlert[];
}): NotificationMessage {
  return {
    receiver: args.receiver,
    status: args.alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: args.alerts,
    groupLabels: args.groupLabels,
    commonLabels: common(args.alerts.map((a) => a.labels)),
    commonAnnotations: common(args.alerts.map((a) => a.annotations)),
    externalURL: args.externalURL,
    groupKey: args.groupKey,
  };
}

export function firing(m: NotificationMessage): NotifiedAlert[] { return m.alerts.filter((a) => a.status === 'firing'); }
export function resolved(m: NotificationMessage): NotifiedAlert[] { return m.alerts.filter((a) => a.status === 'resolved'); }
