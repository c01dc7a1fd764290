/** The alerting component's public surface, for the service wiring. */
export { Notifier, type NotifierOptions, type GettableAlert } from './notifier';
export { alertingApiRouter } from './api';
export { alertingConfigSchema, type AlertingConfig } from './config';
export type { AlertSink, PostableAlert } from './types';
