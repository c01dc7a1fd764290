import assert from 'node:assert/strict';
import { parseMetricsText } from '../../../agent/ui/lib/metrics-text';
import { agentRow, bucketQuantile, exporterRows, notifierRows, receiverRows, verdict } from '../../../agent/ui/lib/overview';
import { alignMatrix } from '../../../agent/ui/lib/series';

describe('ui/overview', () => {
  it('reads the agent\'s own event-loop delay (the max gauge, else the histogram\'s p99) and resident memory', () => {
    const hist = `
lookout_event_loop_delay_seconds_bucket{le="0.005"} 90
lookout_event_loop_delay_seconds_bucket{le="0.01"} 98
lookout_event_loop_delay_seconds_bucket{le="0.025"} 100
lookout_event_loop_delay_seconds_bucket{le="+Inf"} 100
lookout_process_resident_memory_bytes 73400320
`;
    assert.deepEqual(agentRow(parseMetricsText(`${hist}lookout_event_loop_delay_max_seconds 0.2\n`)), { loopDelay: 0.2, loopDelayKind: 'max', rss: 73400320 });
    const p99 = agentRow(parseMetricsText(hist));
    assert.equal(p99.loopDelayKind, 'p99');
    assert.ok(Math.abs(p99.loopDelay! - 0.0175) < 1e-9, String(p99.loopDelay));
    assert.deepEqual(agentRow(parseMetricsText('lookout_store_series 1')), { loopDelay: undefined, loopDelayKind: undefined, rss: undefined });
    // All observations beyond the last finite bound: the bound, as histogram_quantile.
    assert.equal(bucketQuantile(parseMetricsText('h_bucket{le="1"} 0\nh_bucket{le="+Inf"} 5'), 'h', 0.99), 1);
    assert.equal(bucketQuantile(parseMetricsText('h_bucket{le="1"} 0'), 'h', 0.99), undefined, 'no +Inf bucket');
  });


  it('reads receivers, exporter (with queue fill and oldest entry) and notifier rows', () => {
    const s = parseMetricsText(`
lookout_receiver_accepted_items_total{signal="traces",transport="http"} 10
lookout_receiver_accepted_items_total{signal="traces",transport="grpc"} 5
lookout_receiver_refused_items_total{signal="logs",transport="http"} 2
lookout_exporter_sent_items_total{exporter="otlp",signal="traces"} 9
lookout_exporter_send_failed_items_total{exporter="otlp",signal="traces",reason="rejected"} 1
lookout_exporter_send_failed_items_total{exporter="otlp",signal="traces",reason="retries_exhausted"} 2
lookout_exporter_queue_size{exporter="otlp",signal="traces"} 3
lookout_exporter_queue_capacity{exporter="otlp",signal="traces"} 1000
lookout_exporter_queue_oldest_timestamp_seconds{exporter="otlp",signal="traces"} 990
lookout_notifications_total{integration="webhook",receiver="a"} 4
lookout_notifications_failed_total{integration="webhook",receiver="a"} 1
lookout_notifications_total{integration="email",receiver="a"} 2
`);
    assert.deepEqual(receiverRows(s), [
      { signal: 'traces', accepted: 15, refused: undefined },
      { signal: 'metrics', accepted: undefined, refused: undefined },
      { signal: 'logs', accepted: undefined, refused: 2 },
    ]);
    assert.deepEqual(exporterRows(s, 1_000_000)[0], { signal: 'traces', sent: 9, failed: 3, enqueueFailed: undefined, queued: 3, capacity: 1000, oldestAge: 10 });
    assert.deepEqual(exporterRows(parseMetricsText('lookout_store_series 1'), 0), [], 'no exporter configured');
    assert.deepEqual(notifierRows(s), [{ integration: 'email', attempts: 2, failed: 0 }, { integration: 'webhook', attempts: 4, failed: 1 }]);
  });

  it('gives a verdict: firing and failed reloads are critical, refusals and failures worth a look, silenced alerts only noted', () => {
    assert.deepEqual(verdict(parseMetricsText('lookout_rule_alerts{state="firing"} 0\nlookout_config_last_reload_successful 1'), 0), { level: 'ok', reasons: [] });
    const crit = verdict(parseMetricsText('lookout_rule_alerts{state="firing"} 2\nlookout_config_last_reload_successful 0'), 0);
    assert.equal(crit.level, 'crit');
    assert.deepEqual(crit.reasons, ['2 alerts firing', 'the last config reload failed (the previous config is running)']);
    const silenced = verdict(parseMetricsText('lookout_rule_alerts{state="firing"} 1\nlookout_alerts{state="active"} 0\nlookout_alerts{state="suppressed"} 1'), 0);
    assert.deepEqual(silenced, { level: 'ok', reasons: ['1 alert silenced or inhibited'] });
    const warn = verdict(parseMetricsText(`
lookout_exporter_queue_size{signal="logs"} 900
lookout_exporter_queue_capacity{signal="logs"} 1000
lookout_receiver_refused_items_total{signal="traces"} 5
lookout_rule_alerts{state="pending"} 1`), 1);
    assert.equal(warn.level, 'warn');
    assert.deepEqual(warn.reasons, ['exporter queue for logs is 90% full', '5 received items refused', '1 rule group with errors', '1 alert pending']);
  });

  it('aligns range results on shared timestamps for the graph', () => {
    const { names, data } = alignMatrix([
      { metric: { __name__: 'a', x: '1' }, values: [[10, '1'], [20, '2']] },
      { metric: {}, values: [[15, '5'], [20, 'NaN']] },
    ]);
    assert.deepEqual(names, ['a{x="1"}', '{}']);
    assert.deepEqual(data, [[10, 15, 20], [1, null, 2], [null, 5, null]]);
  });
});
