export { StoreWal, type StoreWalStats } from './store-wal';
export { walMetricsText } from './self-metrics';
export { storeWalConfigSchema, type StoreWalConfig } from './config';
