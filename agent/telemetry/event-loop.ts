/**
 * The agent's own event-loop delay, among its metrics:
 *
 *   lookout_event_loop_delay_seconds{_bucket,_sum,_count}   histogram
 *       how late a timer due every SAMPLE_INTERVAL_MS fired: each tick
 *       observes its lateness, so a 20 s stall is one 20 s observation
 *   lookout_event_loop_delay_max_seconds                     gauge
 *       the largest such delay in the last 15-30 s (two rotating windows,
 *       so two readers collecting at different times both see a stall)
 *
 * A timer sampler rather than perf_hooks.monitorEventLoopDelay: the latter
 * has only percentiles (no buckets to add up across scrapes), and a reset
 * right after a stall loses it. A sidecar whose loop stalls stops receiving
 * its app's telemetry and evaluating alerts; the default rule
 * LookoutEventLoopBlocked watches the histogram.
 */
import type { Histogram, Meter } from '@opentelemetry/api';

const SAMPLE_INTERVAL_MS = 100;
const MAX_WINDOW_MS = 15_000;
export const EVENT_LOOP_DELAY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class EventLoopDelayMonitor {
  private timer?: NodeJS.Timeout;
  private readonly histogram: Histogram;
  private expected = 0;
  private windowStart = 0;
  private maxCurrent = 0;
  private maxPrevious = 0;

  constructor(meter: Meter, private readonly now: () => number = () => performance.now()) {
    this.histogram = meter.createHistogram('lookout_event_loop_delay_seconds', {
      description: 'How late the agent\'s event loop ran a timer due every 100ms (one observation per tick).',
      unit: 's',
      advice: { explicitBucketBoundaries: EVENT_LOOP_DELAY_BUCKETS },
    });
    meter.createObservableGauge('lookout_event_loop_delay_max_seconds', {
      description: 'Largest event-loop delay of a 100ms timer in the last 15-30 seconds.',
      unit: 's',
    }).addCallback((r) => r.observe(Math.max(this.maxCurrent, this.maxPrevious) / 1000));
  }

  start(): void {
    if (this.timer) return;
    this.expected = this.now() + SAMPLE_INTERVAL_MS;
    this.windowStart = this.now();
    this.timer = setInterval(() => this.tick(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  /** One observation: how late this tick is, in ms (also callable from tests). */
  tick(): number {
    const now = this.now();
    const late = Math.max(0, now - this.expected);
    this.histogram.record(late / 1000);
    if (now - this.windowStart >= MAX_WINDOW_MS) {
      this.maxPrevious = this.maxCurrent;
      this.maxCurrent = 0;
      this.windowStart = now;
    }
    this.maxCurrent = Math.max(this.maxCurrent, late);
    this.expected = now + SAMPLE_INTERVAL_MS;
    return late;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
