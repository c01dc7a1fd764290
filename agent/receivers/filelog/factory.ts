/** The filelog receiver's factory (agent/component/factory.ts): type `filelog`, logs only. */
import type { ReceiverFactory } from '../../component/factory';
import { filelogConfigSchema, type FilelogConfig } from './config';
import { FilelogReceiver } from './receiver';

export const filelogReceiverFactory: ReceiverFactory<FilelogConfig> = {
  kind: 'receiver',
  type: 'filelog',
  configSchema: filelogConfigSchema,
  signals: ['logs'],
  create: (settings, config, next) => new FilelogReceiver(settings.id, config, next, { baseDir: settings.baseDir }),
};
