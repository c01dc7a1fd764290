/** The store WAL's self-metrics in Prometheus text format (appended to the store's on the admin /metrics). */
import type { StoreWalStats } from './store-wal';

type Row = [name: string, type: 'gauge' | 'counter', help: string, value: (s: StoreWalStats) => number];

const ROWS: Row[] = [
  ['lookout_store_wal_bytes', 'gauge', "Bytes of the store's WAL segments and checkpoints on disk.", (s) => s.bytes],
  ['lookout_store_wal_buffered_bytes', 'gauge', 'WAL records built but not yet written (at most store.wal.max_buffer_bytes).', (s) => s.bufferedBytes],
  ['lookout_store_wal_replay_duration_seconds', 'gauge', 'How long restoring the store at start-up took.', (s) => (s.replay?.durationMs ?? 0) / 1000],
  ['lookout_store_wal_replayed_samples', 'gauge', 'Samples replayed from WAL segments at start-up (checkpointed ones excluded).', (s) => s.replay?.samples ?? 0],
  ['lookout_store_wal_corrupt_records_total', 'counter', 'Corrupt or torn WAL records and unusable checkpoints found at start-up.', (s) => s.replay?.corruptRecords ?? 0],
  ['lookout_store_wal_dropped_records_total', 'counter', 'Samples and markers left out of the WAL because its buffer was full (kept in memory).', (s) => s.droppedRecords],
  ['lookout_store_wal_write_errors_total', 'counter', 'WAL writes that failed (disk full, I/O error).', (s) => s.writeErrors],
  ['lookout_store_wal_checkpoints_total', 'counter', 'Checkpoints written.', (s) => s.checkpoints],
  ['lookout_store_wal_checkpoint_failures_total', 'counter', 'Checkpoints that failed.', (s) => s.checkpointFailures],
  ['lookout_store_wal_last_checkpoint_duration_seconds', 'gauge', 'How long the last checkpoint took.', (s) => s.lastCheckpointSeconds],
];

export function walMetricsText(s: StoreWalStats): string {
  return ROWS.map(([name, type, help, value]) => `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value(s)}\n`).join('');
}
