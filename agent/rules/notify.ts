/**
 * Alerts due for sending to Alertmanager's PostableAlert shape, as
 * Prometheus' notifier does: startsAt is when the alert fired, endsAt the
 * resolution time or, while firing, its validUntil (a few resend periods
 * ahead, so alerts of a crashed agent expire); external labels are added
 * unless the alert already has a label of that name.
 */
import type { PostableAlert } from '../alerting/types';
import type { Labels } from '../store/types';
import type { SentAlert } from './alert';
import { rfc3339 } from './time-format';

export function toPostableAlert(a: SentAlert, externalLabels: Labels): PostableAlert {
  const labels: Labels = { ...a.labels };
  for (const [k, v] of Object.entries(externalLabels)) if (!(k in labels)) labels[k] = v;
  return {
    labels,
    annotations: { ...a.annotations },
    startsAt: rfc3339(a.firedAt ?? a.activeAt),
    endsAt: rfc3339(a.resolvedAt ?? a.validUntil),
    generatorURL: a.generatorURL,
  };
}
