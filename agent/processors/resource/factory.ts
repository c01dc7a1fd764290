/** The `resource` processor's factory. */
import type { ProcessorFactory } from '../../component/factory';
import { SIGNALS } from '../../otlp/model';
import { resourceConfigSchema, type ResourceConfig } from './config';
import { ResourceProcessor } from './processor';

export const resourceProcessorFactory: ProcessorFactory<ResourceConfig> = {
  kind: 'processor',
  type: 'resource',
  configSchema: resourceConfigSchema,
  signals: SIGNALS,
  mutatesData: true,
  create: (settings, config, next) => new ResourceProcessor(settings.id, config, next),
};
