/**
 * The agent's own event-loop delay, as a histogram among its metrics:
 *
 *   lookout_event_loop_delay_seconds{_bucket,_sum,_count}
 *       how late a timer due every SAMPLE_INTERVAL_MS fired: each tick
 *       observes its lateness, so a 20 s stall is one 20 s observation
 *   lookout_event_loop_delay_max_seconds
 *       the largest delay perf_hooks.monitorEventLoopDelay saw since the
 *       previous collection of the agent's metrics (10 ms resolution)
 *
 * A sidecar whose loop stalls stops receiving its app's telemetry and
 * evaluating alerts; the default rule LookoutEventLoopBlocked watches this.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Histogram, Meter } from '@opentelemetry/api';

const SAMPLE_INTERVAL_MS = 100;
export const EVENT_LOOP_DELAY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class EventLoopDelayMonitor {
  private timer?: NodeJS.Timeout;
  private readonly histogram: Histogram;
  private readonly monitor: IntervalHistogram;
  private expected = 0;

  constructor(meter: Meter, private readonly now: () => number = () => performance.now()) {
    this.histogram = meter.createHistogram('lookout_event_loop_delay_seconds', {
      description: 'How late the agent\'s event loop ran a timer due every 100ms (one observation per tick).',
      unit: 's',
      advice: { explicitBucketBoundaries: EVENT_LOOP_DELAY_BUCKETS },
    });
    this.monitor = monitorEventLoopDelay({ resolution: 10 });
    meter.createObservableGauge('lookout_event_loop_delay_max_seconds', {
      description: 'Largest event-loop delay since the previous collection (perf_hooks.monitorEventLoopDelay).',
      unit: 's',
    }).addCallback((r) => {
      // max is 0 before the first sample; nanoseconds otherwise.
      r.observe(this.monitor.max / 1e9);
      this.monitor.reset();
    });
  }

  start(): void {
    if (this.timer) return;
    this.monitor.enable();
    this.expected = this.now() + SAMPLE_INTERVAL_MS;
    this.timer = setInterval(() => this.tick(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  /** One observation: how late this tick is (also callable from tests). */
  tick(): number {
    const now = this.now();
    const late = Math.max(0, now - this.expected);
    this.histogram.record(late / 1000);
    this.expected = now + SAMPLE_INTERVAL_MS;
    return late;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.monitor.disable();
  }
}
