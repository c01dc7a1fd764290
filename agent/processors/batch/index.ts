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
  // Merged or split requests are new objects (no bytes attached); a request passed on alone is unchanged.
  keepsRawBytes: true,
  configSchema: batchConfigSchema,
  create: (settings, config, next) => new BatchProcessor(settings.id, config, next),
};
