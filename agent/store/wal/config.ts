/**
 * store.wal: persistence of the store's recent history (write-ahead log plus
 * periodic checkpoints under storage.dir). Documented in agent/store/README.md.
 */
import { z } from 'zod';
import { durationSchema } from '../../config/duration';

export const storeWalConfigSchema = z.strictObject({
  /** Keep the store's history across restarts (SIGTERM, SIGKILL, OOM kill). */
  enabled: z.boolean().default(true),
  /** How often buffered records are written (the most a SIGKILL can lose). */
  flush_interval: durationSchema().default(200).refine((ms) => ms >= 10 && ms <= 60_000, 'must be between 10ms and 1m'),
  /** How often the whole store is checkpointed and older WAL segments deleted (bounds replay time and disk use). */
  checkpoint_interval: durationSchema().default(300_000).refine((ms) => ms >= 1000, 'must be at least 1s'),
  /** fdatasync after every flush (survives power loss too, costs a disk flush per flush_interval); else at checkpoints and shutdown. */
  fsync: z.boolean().default(false),
  /** Records buffered beyond this (a disk slower than ingest) are left out of the log and counted. */
  max_buffer_bytes: z.number().int().min(1 << 16).default(64 << 20),
});
export type StoreWalConfig = z.infer<typeof storeWalConfigSchema>;
