/** The batch processor's factory (the Collector's batch keys). */
import type { ProcessorFactory } from '../../component/factory';
import { batchConfigSchema, type BatchConfig } from './config';
import { BatchProcessor } from './processor';

export { BatchProcessor } from './processor';
export { batchConfigSchema, type BatchConfig } from './config';

export const batchProcessorFactory: ProcessorFactory<BatchConfig> = {
  kind: 'processor',
  type: 'batch',
  signals: ['traces', 'metrics', 'logs'],
  mutatesData: false,
  configSchema: batchConfigSchema,
  create: (settings, config, next) => new BatchProcessor(settings.id, config, next),
};
