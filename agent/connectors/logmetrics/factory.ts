/**
 * The logmetrics connector's factory: logs in, metrics out, into the local
 * store (as spanmetrics; see its factory); `next` is not used.
 */
import type { ConnectorFactory } from '../../component/factory';
import { requireService, SERVICE } from '../../component/services';
import type { Appender } from '../../store/types';
import { logmetricsConfigSchema, type LogmetricsConfig } from './config';
import { LogMetricsConnector } from './connector';

export const logmetricsConnectorFactory: ConnectorFactory<LogmetricsConfig> = {
  kind: 'connector',
  type: 'logmetrics',
  connects: [['logs', 'metrics']],
  directOutput: 'store',
  configSchema: logmetricsConfigSchema,
  create: (settings, config) => new LogMetricsConnector(config, requireService<Appender>(settings, SERVICE.store)),
};
