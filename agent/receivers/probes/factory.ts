/**
 * The probes receiver's factory (agent/component/factory.ts). It produces no
 * pipeline signal: samples go to the store through the appender the service
 * passes in (a constructor dependency, like a scrape), so `signals` is
 * empty and `next` is unused.
 */
import type { ReceiverFactory } from '../../component/factory';
import type { MemoryStore } from '../../store';
import { probesConfigSchema, type ProbesConfig } from './config';
import { ProbesReceiver } from './receiver';

/** The store is a dependency of the factory: `probesReceiverFactory(store)` at registration. */
export function probesReceiverFactory(store: MemoryStore, opts: { maxNewSeriesPerRequest?: number } = {}): ReceiverFactory<ProbesConfig> {
  return {
    kind: 'receiver',
    type: 'probes',
    configSchema: probesConfigSchema,
    signals: [],
    create: (settings, config) => new ProbesReceiver(settings.id, config, {
      appender: store.budgetedAppender(settings.id, { maxNewSeriesPerRequest: opts.maxNewSeriesPerRequest }),
    }),
  };
}
