/** The `filter` processor's factory. */
import type { ProcessorFactory } from '../../component/factory';
import { SIGNALS } from '../../otlp/model';
import { filterConfigSchema, type FilterConfig } from './config';
import { FilterProcessor } from './processor';

export const filterProcessorFactory: ProcessorFactory<FilterConfig> = {
  kind: 'processor',
  type: 'filter',
  configSchema: filterConfigSchema,
  signals: SIGNALS,
  // It replaces arrays on the request it is handed: another branch must not see that.
  mutatesData: true,
  create: (settings, config, next) => new FilterProcessor(settings.id, config, next),
};
