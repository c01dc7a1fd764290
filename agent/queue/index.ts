export type { DurableQueueStats, ExportQueue, PendingInfo, QueueEntry, QueueSizer } from './queue';
export { queueUsage } from './queue';
export { MemoryQueue, type MemoryQueueOptions } from './memory-queue';
export { DiskQueue, type DiskQueueOptions } from './disk-queue';
