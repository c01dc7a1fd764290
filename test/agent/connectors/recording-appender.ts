/**
 * An Appender that records every call, for asserting exactly which samples,
 * stale markers and metadata a connector writes (the real MemoryStore is
 * used where behaviour over time matters).
 */
import type { Appender, Labels, MetricMetadata } from '../../../agent/store/types';

export interface Recorded { labels: Labels; t: number; v: number }

/** True when every label in `want` is on `labels` with the same value. */
export function hasLabels(labels: Labels, want: Labels): boolean {
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

export class RecordingAppender implements Appender {
  readonly samples: Recorded[] = [];
  readonly stale: { labels: Labels; t: number }[] = [];
  readonly metadata = new Map<string, MetricMetadata>();
  /** Return false from append for labels this predicate accepts (to test refusals). */
  refuse?: (labels: Labels) => boolean;

  append(labels: Labels, t: number, v: number): boolean {
    if (this.refuse?.(labels)) return false;
    this.samples.push({ labels: { ...labels }, t, v });
    return true;
  }

  markStale(labels: Labels, t: number): void {
    this.stale.push({ labels: { ...labels }, t });
  }

  setMetadata(metricName: string, meta: MetricMetadata): void {
    this.metadata.set(metricName, { ...meta });
  }

  /** Samples of series named `name` whose labels include `want`. */
  of(name: string, want: Labels = {}): Recorded[] {
    return this.samples.filter((s) => s.labels.__name__ === name && hasLabels(s.labels, want));
  }

  /** The last value written to the one series named `name` matching `want` (throws when not exactly one series). */
  last(name: string, want: Labels = {}): number {
    const rows = this.of(name, want);
    const keys = new Set(rows.map((r) => JSON.stringify(Object.entries(r.labels).sort())));
    if (keys.size !== 1) throw new Error(`expected one series ${name}${JSON.stringify(want)}, found ${keys.size}: ${[...keys].join(' | ')}`);
    return rows[rows.length - 1].v;
  }

  /** Distinct label sets written for `name`. */
  seriesOf(name: string): Labels[] {
    const seen = new Map<string, Labels>();
    for (const s of this.samples) if (s.labels.__name__ === name) seen.set(JSON.stringify(Object.entries(s.labels).sort()), s.labels);
    return [...seen.values()];
  }

  clear(): void {
    this.samples.length = 0;
    this.stale.length = 0;
  }
}
