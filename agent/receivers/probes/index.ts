export { ProbesReceiver, type ProbesReceiverDeps } from './receiver';
export { probesConfigSchema, type ProbesConfig, type ProbeTarget } from './config';
export { probesReceiverFactory } from './factory';
