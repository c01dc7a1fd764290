export { SpanMetricsConnector, type SpanMetricsOptions } from './connector';
export { spanmetricsConfigSchema, type SpanmetricsConfig, DEFAULT_DIMENSIONS, BASE_DIMENSIONS } from './config';
export { DEFAULT_BUCKETS } from './buckets';
