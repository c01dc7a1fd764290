export { StoreWal, walMetricsText, type StoreWalStats } from './store-wal';
export { storeWalConfigSchema, type StoreWalConfig } from './config';
