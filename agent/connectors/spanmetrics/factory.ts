/**
 * The spanmetrics connector's factory: traces in, metrics out. Its series go
 * into the local store (the one metrics sink it has), so the metrics
 * pipeline it may lead into must export to `store` only (checked when the
 * graph is built); `next` is not used.
 */
import type { ConnectorFactory } from '../../component/factory';
import { requireService, SERVICE } from '../../component/services';
import type { Appender } from '../../store/types';
import { spanmetricsConfigSchema, type SpanmetricsConfig } from './config';
import { SpanMetricsConnector } from './connector';

export const spanmetricsConnectorFactory: ConnectorFactory<SpanmetricsConfig> = {
  kind: 'connector',
  type: 'spanmetrics',
  connects: [['traces', 'metrics']],
  directOutput: 'store',
  configSchema: spanmetricsConfigSchema,
  create: (settings, config) => new SpanMetricsConnector(config, requireService<Appender>(settings, SERVICE.store)),
};
