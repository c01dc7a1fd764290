/** The filelog receiver's self-metrics (admin /metrics; counters get `_total` there). */
import type { Counter, Meter } from '@opentelemetry/api';

export class FilelogTelemetry {
  readonly records: Counter;
  readonly bytes: Counter;
  readonly truncated: Counter;
  readonly parseErrors: Counter;
  readonly dropped: Counter;
  readonly refusals: Counter;
  readonly skippedFiles: Counter;
  readonly checkpointErrors: Counter;

  constructor(meter: Meter, readonly receiver: string, trackedFiles: () => number) {
    this.records = meter.createCounter('lookout_filelog_records', { description: 'Log records the pipeline accepted from tailed files.' });
    this.bytes = meter.createCounter('lookout_filelog_bytes_read', { description: 'Bytes of tailed files committed (accepted by the pipeline).', unit: 'By' });
    this.truncated = meter.createCounter('lookout_filelog_records_truncated', { description: 'Entries split because they exceeded max_log_size.' });
    this.parseErrors = meter.createCounter('lookout_filelog_parse_errors', { description: 'Parser failures by operator and stage (parse, timestamp, severity, trace_id, span_id).' });
    this.dropped = meter.createCounter('lookout_filelog_records_dropped', { description: 'Records left out: on_error=drop, or refused permanently by the pipeline.' });
    this.refusals = meter.createCounter('lookout_filelog_consume_refusals', { description: 'Batches the pipeline refused for now; retried from the same offset at the next poll.' });
    this.skippedFiles = meter.createCounter('lookout_filelog_files_skipped', { description: 'Matching files not read in a poll because max_concurrent_files was reached.' });
    this.checkpointErrors = meter.createCounter('lookout_filelog_checkpoint_errors', { description: 'Failed checkpoint writes (offsets stay in memory; a crash would re-read).' });
    meter.createObservableGauge('lookout_filelog_files_tracked', { description: 'Files whose offsets the receiver tracks.' })
      .addCallback((r) => r.observe(trackedFiles(), { receiver }));
  }
}
