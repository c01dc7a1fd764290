/** The in-memory time-series store: public entry points. */
export * from './types';
export { MemoryStore, DEFAULT_MAX_SERIES, DEFAULT_RETENTION_MS } from './memory-store';
export type { MemoryStoreOptions, LatestSample, CompactResult, StoreStats, RefusalReason, StoreLogger } from './memory-store';
export { storeMetricsText } from './self-metrics';
export { labelsKey } from './labels';
export { labelsMatch, matcherPredicate } from './matchers';
export { anchoredRegex } from './regex';
export { storeConfigSchema, type StoreConfig } from './config';
