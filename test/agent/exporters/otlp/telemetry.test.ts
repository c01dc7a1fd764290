import assert from 'node:assert/strict';
import { ExporterTelemetry, SEND_DURATION_BUCKETS } from '../../../../agent/exporters/otlp/telemetry';
import { MemoryQueue } from '../../../../agent/queue';
import { testHost } from '../../../helpers/test-host';
import { spans } from './fixtures';

describe('exporter self-metrics', () => {
  it('names, attributes, units and histogram buckets', async () => {
    const host = testHost();
    try {
      const queue = new MemoryQueue(50);
      queue.offer('traces', spans(3), 3);
      const t = new ExporterTelemetry(host.meter, queue, 'otlp');
      t.delivered('traces', 3);
      t.dropped('logs', 2, 'retries_exhausted');
      t.dropped('logs', 0, 'shutdown'); // nothing to count: no series either
      t.refused('metrics', 4);
      t.attempt('traces', 0.004);
      t.attempt('traces', 12);
      const { resourceMetrics } = await host.reader.collect();
      const metrics = new Map(resourceMetrics.scopeMetrics.flatMap((sm) => sm.metrics).map((m) => [m.descriptor.name, m]));
      assert.deepEqual([...metrics.keys()].sort(), [
        'lookout_exporter_enqueue_failed_items', 'lookout_exporter_queue_capacity', 'lookout_exporter_queue_size',
        'lookout_exporter_send_duration_seconds', 'lookout_exporter_send_failed_items', 'lookout_exporter_sent_items',
      ]);
      const points = (name: string) => metrics.get(name)!.dataPoints.map((p) => ({ attrs: p.attributes, value: p.value }));
      assert.deepEqual(points('lookout_exporter_sent_items'), [{ attrs: { exporter: 'otlp', signal: 'traces' }, value: 3 }]);
      assert.deepEqual(points('lookout_exporter_send_failed_items'), [{ attrs: { exporter: 'otlp', signal: 'logs', reason: 'retries_exhausted' }, value: 2 }]);
      assert.deepEqual(points('lookout_exporter_enqueue_failed_items'), [{ attrs: { exporter: 'otlp', signal: 'metrics' }, value: 4 }]);
      assert.deepEqual(points('lookout_exporter_queue_size').map((p) => `${p.attrs.signal}=${p.value}`), ['traces=3', 'metrics=0', 'logs=0']);
      assert.deepEqual(points('lookout_exporter_queue_capacity').map((p) => `${p.attrs.signal}=${p.value}`), ['traces=50', 'metrics=50', 'logs=50']);
      const hist = metrics.get('lookout_exporter_send_duration_seconds')!;
      assert.equal(hist.descriptor.unit, 's');
      const value = hist.dataPoints[0].value as { count: number; buckets: { boundaries: number[]; counts: number[] } };
      assert.equal(value.count, 2);
      assert.deepEqual(value.buckets.boundaries, SEND_DURATION_BUCKETS);
      assert.equal(SEND_DURATION_BUCKETS[0], 0.001);
      assert.equal(SEND_DURATION_BUCKETS.at(-1), 30);
      assert.equal(value.buckets.counts[SEND_DURATION_BUCKETS.indexOf(0.005)], 1, '4 ms falls in le=0.005');
    } finally {
      await host.cleanup();
    }
  });
});
