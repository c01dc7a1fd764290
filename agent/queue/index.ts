export type { ExportQueue, PendingInfo, QueueEntry, QueueSizer } from './queue';
export { queueUsage } from './queue';
export { MemoryQueue, type MemoryQueueOptions } from './memory-queue';
