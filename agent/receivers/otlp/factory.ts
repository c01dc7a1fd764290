/** The OTLP receiver's factory: receivers.otlp (and otlp/<name> instances). */
import type { ReceiverFactory } from '../../component/factory';
import { otlpReceiverConfigSchema, type OtlpReceiverConfig } from './config';
import { OtlpReceiver } from './receiver';

export const otlpReceiverFactory: ReceiverFactory<OtlpReceiverConfig> = {
  kind: 'receiver',
  type: 'otlp',
  signals: ['traces', 'metrics', 'logs'],
  configSchema: otlpReceiverConfigSchema,
  create: (settings, config, next) => new OtlpReceiver(config, next, { id: settings.id }),
};
