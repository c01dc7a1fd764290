/** The `redaction` processor's factory (type name and config schema as under processors.redaction). */
import type { ProcessorFactory } from '../../component/factory';
import { SIGNALS } from '../../otlp/model';
import { redactionConfigSchema, type RedactionConfig } from './config';
import { RedactionProcessor } from './processor';

export const redactionProcessorFactory: ProcessorFactory<RedactionConfig> = {
  kind: 'processor',
  type: 'redaction',
  configSchema: redactionConfigSchema,
  signals: SIGNALS,
  mutatesData: true,
  // Drops a request's received bytes whenever it replaced anything in it.
  keepsRawBytes: true,
  create: (settings, config, next) => new RedactionProcessor(settings.id, config, next, settings.logger),
};
