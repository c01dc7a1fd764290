/**
 * Names of the agent's services a factory may ask for through
 * CreateSettings.service (the service provides them; see
 * agent/service/build.ts), and a lookup that fails with a clear message.
 */
import type { CreateSettings } from './factory';

export const SERVICE = {
  /** The local store (an Appender): spanmetrics and logmetrics write their series into it. */
  store: 'store',
  /** (source: string) => Appender within the app series budget (store.max_series - store.reserved_series). */
  budgetedAppender: 'store.budgetedAppender',
  /** { deadlineMs: number; deadlineAt: () => number | undefined } for exporters that flush at shutdown. */
  shutdown: 'shutdown',
} as const;

export interface ShutdownBudget {
  /** How long a flush may take when the service gives no deadline. */
  deadlineMs: number;
  /** When the whole service's shutdown must be done, once it began. */
  deadlineAt: () => number | undefined;
}

export function requireService<T>(settings: CreateSettings, name: string): T {
  const found = settings.service?.<T>(name);
  if (found === undefined) throw new Error(`${settings.id}: needs the agent's "${name}" service, which this host does not provide`);
  return found;
}
