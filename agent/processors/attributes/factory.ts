/** The `attributes` processor's factory. */
import type { ProcessorFactory } from '../../component/factory';
import { SIGNALS } from '../../otlp/model';
import { attributesConfigSchema, type AttributesConfig } from './config';
import { AttributesProcessor } from './processor';

export const attributesProcessorFactory: ProcessorFactory<AttributesConfig> = {
  kind: 'processor',
  type: 'attributes',
  configSchema: attributesConfigSchema,
  signals: SIGNALS,
  mutatesData: true,
  create: (settings, config, next) => new AttributesProcessor(settings.id, config, next),
};
