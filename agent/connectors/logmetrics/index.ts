export { LogMetricsConnector, type LogMetricsOptions } from './connector';
export { logmetricsConfigSchema, type LogmetricsConfig, LOG_RECORDS_TOTAL } from './config';
export { severityName, severityNumberOf } from './severity';
