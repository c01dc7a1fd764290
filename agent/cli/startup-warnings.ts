/**
 * Start-up warnings about configurations that run but would surprise: rules
 * that fire into nothing routed. The built-in log receiver still prints each
 * alert on stdout, but nobody is paged; say so once, with the keys to set.
 */
import type { LookoutConfig } from '../config/schema';

export function unroutedAlertsWarning(config: LookoutConfig): string | undefined {
  const rulesExist = config.rules.files.length > 0 || config.rules.default_pack.enabled;
  if (!rulesExist || config.alerting.route || config.alerting.alertmanagers.length > 0) return undefined;
  return 'alerting rules are loaded but nothing routes their alerts: firing alerts are only printed on stdout by the built-in log receiver; '
    + 'set alerting.route and alerting.receivers (Slack, email, PagerDuty, webhook) or alerting.alertmanagers to notify someone';
}
