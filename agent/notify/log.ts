/**
 * The built-in `log` receiver: when alerting has no route (and no
 * Alertmanager to forward to), every notification is printed as ONE readable
 * warn line on the agent's stdout, so a firing alert is never silent. The
 * line is Alertmanager's title plus each alert's summary, e.g.
 *   [FIRING:1] HighErrorRate (shop critical): shop: 9.1% of requests fail
 * and carries the structured fields (receiver, status, alerts) for log
 * pipelines. `npm start` echoes these lines on the console.
 */
import type { Logger } from 'pino';
import type { Integration } from './integration';
import { firing, type NotificationMessage, type NotifiedAlert } from './message';

/** The receiver name the built-in route sends to (shown in /api/v2/alerts and metrics). */
export const LOG_RECEIVER = 'log';
/** Longest line we print: a group of hundreds of alerts must not flood the log. */
const MAX_LINE = 2000;

/** Alertmanager's default title: `[FIRING:n] <group label values> (<other common label values>)`. */
function titleLine(m: NotificationMessage): string {
  const head = m.status === 'firing' ? `[FIRING:${firing(m).length}]` : '[RESOLVED]';
  const groupValues = Object.keys(m.groupLabels).sort().map((k) => m.groupLabels[k]);
  const otherCommon = Object.keys(m.commonLabels).filter((k) => !(k in m.groupLabels)).sort().map((k) => m.commonLabels[k]);
  let line = `${head} ${groupValues.join(' ')}`;
  if (otherCommon.length) line += ` (${otherCommon.join(' ')})`;
  return line;
}

function labelPairs(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(' ');
}

function describe(a: NotifiedAlert): string {
  return a.annotations.summary ?? a.annotations.description ?? labelPairs(a.labels);
}

/** The one line printed for a notification (exported for tests and `npm start`). */
export function logLine(msg: NotificationMessage): string {
  const shown = msg.status === 'firing' ? msg.alerts.filter((a) => a.status === 'firing') : msg.alerts;
  const line = `${titleLine(msg)}: ${shown.map(describe).join('; ')}`;
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

export class LogIntegration implements Integration {
  readonly name = 'log' as const;
  readonly index = 0;
  readonly sendResolved = true;

  constructor(private readonly logger: Logger) {}

  notify(msg: NotificationMessage): Promise<void> {
    this.logger.warn({
      receiver: msg.receiver, status: msg.status, groupKey: msg.groupKey,
      alerts: msg.alerts.map((a) => ({ status: a.status, labels: a.labels })),
    }, logLine(msg));
    return Promise.resolve();
  }
}
