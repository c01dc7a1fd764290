/**
 * The built-in `log` receiver's routing: used when alerting has no route and
 * no Alertmanager, so every alert still reaches someone (one warn line on
 * stdout per group, ../notify/log.ts). Kept out of notifier.ts so start and
 * a config reload build the same root route and receivers.
 */
import type { Logger } from 'pino';
import type { Integration } from '../notify/integration';
import { LOG_RECEIVER, LogIntegration } from '../notify/log';
import type { AlertingConfig } from './config';
import { Route } from './route';

/**
 * Everything goes to `log`, one group per alertname. Short waits: a line on
 * stdout costs nothing, and a user watching the console should see an alert
 * within seconds of it firing.
 */
export const BUILTIN_LOG_ROUTE = {
  receiver: LOG_RECEIVER, group_by: ['alertname'], group_wait: 5_000, group_interval: 60_000, repeat_interval: 4 * 3600_000,
  matchers: [], continue: false, mute_time_intervals: [], active_time_intervals: [], routes: [],
};

/** No route and no Alertmanager configured: alerts go to the built-in `log` receiver. */
export function usesBuiltinLog(config: AlertingConfig): boolean {
  return !config.route && config.alertmanagers.length === 0;
}

/** The root of the route tree: the configured one, the built-in one, or none (forwarding only). */
export function rootRoute(config: AlertingConfig): Route | undefined {
  if (config.route) return new Route(config.route);
  return usesBuiltinLog(config) ? new Route(BUILTIN_LOG_ROUTE) : undefined;
}

/** Adds the `log` receiver to the configured receivers' integrations when the built-in route is in use. */
export function withBuiltinLog(config: AlertingConfig, byReceiver: Map<string, Integration[]>, logger: Logger): Map<string, Integration[]> {
  if (usesBuiltinLog(config)) byReceiver.set(LOG_RECEIVER, [new LogIntegration(logger.child({ component: 'alerting/log' }))]);
  return byReceiver;
}
