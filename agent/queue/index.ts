export type { ExportQueue, QueueEntry } from './queue';
export { MemoryQueue } from './memory-queue';
