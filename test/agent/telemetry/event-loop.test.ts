/**
 * The agent's event-loop delay histogram (issue 8, self-protection): a
 * blocked loop shows up on /metrics as a late tick.
 */
import assert from 'node:assert/strict';
import { SelfMetrics } from '../../../agent/telemetry/self-metrics';
import { waitFor } from '../../helpers/wait';

function sampleOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1).split(' ')[0]) : NaN;
}

describe('telemetry/event-loop', function () {
  this.timeout(10_000);

  it('a 400 ms block of the event loop is observed as a delay above 250 ms', async () => {
    const metrics = new SelfMetrics();
    try {
      // Let the sampler start ticking, then block the loop.
      await waitFor(async () => sampleOf(await metrics.render(), 'lookout_event_loop_delay_seconds_count') >= 1, { what: 'a first tick' });
      const until = Date.now() + 400;
      while (Date.now() < until) { /* block the event loop */ }
      let text = '';
      let maxSeen = 0;
      await waitFor(async () => {
        text = await metrics.render();
        // The max gauge covers the time since the previous render: keep the largest seen.
        maxSeen = Math.max(maxSeen, sampleOf(text, 'lookout_event_loop_delay_max_seconds'));
        return sampleOf(text, 'lookout_event_loop_delay_seconds_bucket{le="0.25"}') < sampleOf(text, 'lookout_event_loop_delay_seconds_count');
      }, { what: 'a tick later than 250 ms' });
      assert.ok(sampleOf(text, 'lookout_event_loop_delay_seconds_sum') >= 0.25, text);
      assert.ok(maxSeen >= 0.25, `max gauge ${maxSeen}`);
    } finally {
      await metrics.shutdown();
    }
  });
});
