import assert from 'node:assert/strict';
import { parseMetricsText, select, sumBy, total } from '../../../agent/ui/lib/metrics-text';

const TEXT = `# HELP lookout_receiver_accepted_items_total Items accepted.
# TYPE lookout_receiver_accepted_items_total counter
lookout_receiver_accepted_items_total{signal="traces",receiver="otlp",transport="http"} 120
lookout_receiver_accepted_items_total{signal="traces",receiver="otlp",transport="grpc"} 30
lookout_receiver_accepted_items_total{signal="metrics",receiver="otlp",transport="http"} 7
lookout_config_last_reload_successful 1
lookout_weird{msg="a \\"quoted\\", comma\\nline",x="y"} +Inf
lookout_with_ts{a="b"} 3 1700000000000
not a sample line
`;

describe('ui/metrics-text', () => {
  const samples = parseMetricsText(TEXT);

  it('reads sample lines with labels, escapes, specials and timestamps; skips comments and junk', () => {
    assert.equal(samples.length, 6);
    assert.deepEqual(samples[0], { name: 'lookout_receiver_accepted_items_total', labels: { signal: 'traces', receiver: 'otlp', transport: 'http' }, value: 120 });
    assert.deepEqual(select(samples, 'lookout_weird')[0].labels, { msg: 'a "quoted", comma\nline', x: 'y' });
    assert.equal(total(samples, 'lookout_weird'), Infinity);
    assert.equal(total(samples, 'lookout_with_ts'), 3);
  });

  it('sums by label filter; absent metrics are undefined, not zero', () => {
    assert.equal(total(samples, 'lookout_receiver_accepted_items_total', { signal: 'traces' }), 150);
    assert.equal(total(samples, 'lookout_receiver_accepted_items_total'), 157);
    assert.equal(total(samples, 'lookout_receiver_accepted_items_total', { signal: 'logs' }), undefined);
    assert.equal(total(samples, 'lookout_nope'), undefined);
    assert.deepEqual([...sumBy(samples, 'lookout_receiver_accepted_items_total', 'transport')], [['http', 127], ['grpc', 30]]);
  });
});
