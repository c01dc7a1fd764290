/** The exporter's self-metrics, named like the Collector's otelcol_exporter_* with Lookout's prefix. */
import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { ExportQueue } from '../../queue';
import { SIGNALS } from '../../otlp/model';

export interface ExporterTelemetry {
  sent: Counter;
  failed: Counter;
  enqueueFailed: Counter;
  duration: Histogram;
}

export function createExporterTelemetry(meter: Meter, queue: ExportQueue, exporterId: string): ExporterTelemetry {
  const queueSize = meter.createObservableGauge('lookout_exporter_queue_size', {
    description: 'Items (spans, data points, log records) accepted and not yet delivered or dropped.',
  });
  queueSize.addCallback((r) => {
    for (const signal of SIGNALS) r.observe(queue.size(signal).items, { exporter: exporterId, signal });
  });
  const capacity = meter.createObservableGauge('lookout_exporter_queue_capacity', {
    description: 'Maximum number of requests the exporter queue holds.',
  });
  capacity.addCallback((r) => r.observe(queue.capacity, { exporter: exporterId }));
  return {
    sent: meter.createCounter('lookout_exporter_sent_items', { description: 'Items delivered upstream.' }),
    failed: meter.createCounter('lookout_exporter_send_failed_items', { description: 'Items dropped: rejected by upstream, retries exhausted, or left at shutdown.' }),
    enqueueFailed: meter.createCounter('lookout_exporter_enqueue_failed_items', { description: 'Items refused because the queue was full (senders retry).' }),
    duration: meter.createHistogram('lookout_exporter_send_duration', {
      description: 'Time to deliver one batch upstream, retries included.',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] },
    }),
  };
}
