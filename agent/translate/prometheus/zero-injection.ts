/**
 * Created-timestamp zero injection, as Prometheus does for scraped
 * counters/histograms/summaries with a created timestamp: before the first
 * sample of a cumulative series (or after its start time changes, i.e. a
 * reset), a 0 is appended at the start time. Without it, the first sample
 * of a new series has nothing to be compared with and increase()/rate()
 * silently miss the events it already counts.
 *
 * One deviation from Prometheus: a start time equal to the first sample's
 * time (an SDK that created the instrument and exported in the same
 * millisecond) puts the zero 1 ms before the sample instead of skipping it,
 * so those first events are still counted.
 */
import type { Appender, Labels } from '../../store/types';
import { labelsHash } from '../../store/labels';

export class ZeroInjector {
  /**
   * Last start time injected per series, with the wall-clock ms it was last
   * used. Keyed by the label set's 53-bit hash, not a key string: at 100 000
   * counter series the strings (~250 bytes each) were most of this map; a
   * collision (~1e-6 at 100 000 series) would only skip one zero.
   */
  private readonly starts = new Map<number, { start: number; seenAt: number }>();

  /**
   * Appends 0 at `start` for each series not yet started at that time, when
   * start lies before (or at) the first sample time t.
   */
  inject(appender: Appender, series: Labels[], start: number, t: number, now = Date.now()): void {
    if (!(start > 0 && start <= t)) return;
    const at = Math.min(start, t - 1);
    for (const labels of series) {
      const key = labelsHash(labels);
      const cur = this.starts.get(key);
      if (cur?.start === start) {
        cur.seenAt = now;
        continue;
      }
      this.starts.set(key, { start, seenAt: now });
      appender.append(labels, at, 0);
    }
  }

  forget(labels: Labels): void {
    this.starts.delete(labelsHash(labels));
  }

  /** Forgets series not written since `before` (wall-clock ms). */
  forgetOlderThan(before: number): void {
    for (const [k, s] of this.starts) if (s.seenAt < before) this.starts.delete(k);
  }

  get size(): number {
    return this.starts.size;
  }
}
