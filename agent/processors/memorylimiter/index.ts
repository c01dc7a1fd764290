/** The memory_limiter processor's factory: the receiver's limiter keys, as a pipeline step. */
import type { ProcessorFactory } from '../../component/factory';
import { memoryLimiterSchema } from '../../receivers/otlp/config';
import { MemoryLimiterProcessor } from './processor';

export { MemoryLimiterProcessor } from './processor';

export const memoryLimiterProcessorFactory: ProcessorFactory<import('zod').infer<typeof memoryLimiterSchema>> = {
  kind: 'processor',
  type: 'memory_limiter',
  signals: ['traces', 'metrics', 'logs'],
  mutatesData: false,
  keepsRawBytes: true,
  configSchema: memoryLimiterSchema,
  create: (settings, config, next) => new MemoryLimiterProcessor(settings.id, config, next),
};
