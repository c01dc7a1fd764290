export { FilelogReceiver, FILELOG_SCOPE, type FilelogReceiverOptions } from './receiver';
export { filelogConfigSchema, type FilelogConfig } from './config';
export { filelogReceiverFactory } from './factory';
