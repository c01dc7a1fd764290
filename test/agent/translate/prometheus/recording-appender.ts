/**
 * A tiny in-memory Appender for translator tests: keeps every sample per
 * series (by canonical label text) and the metadata, with readers that
 * make assertions short.
 */
import type { Appender, Labels, MetricMetadata } from '../../../../agent/store/types';

export function seriesText(labels: Labels): string {
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels).filter((k) => k !== '__name__').sort().map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${name}{${rest.join(',')}}`;
}

export class RecordingAppender implements Appender {
  readonly samples = new Map<string, { t: number; v: number }[]>();
  readonly stale = new Map<string, number[]>();
  readonly meta = new Map<string, MetricMetadata>();
  readonly labelsOf = new Map<string, Labels>();

  append(labels: Labels, t: number, v: number): boolean {
    const k = seriesText(labels);
    this.labelsOf.set(k, { ...labels });
    const list = this.samples.get(k) ?? [];
    if (list.length && t <= list[list.length - 1].t) return false; // out of order, as the store refuses
    list.push({ t, v });
    this.samples.set(k, list);
    return true;
  }

  markStale(labels: Labels, t: number): void {
    const k = seriesText(labels);
    this.stale.set(k, [...(this.stale.get(k) ?? []), t]);
  }

  setMetadata(name: string, meta: MetricMetadata): void {
    this.meta.set(name, meta);
  }

  /** Series names (canonical text) starting with a metric name. */
  names(prefix = ''): string[] {
    return [...this.samples.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  /** The last value of a series, or undefined. */
  last(series: string): number | undefined {
    const l = this.samples.get(series);
    return l?.[l.length - 1]?.v;
  }

  /** Values only, oldest first. */
  values(series: string): number[] {
    return (this.samples.get(series) ?? []).map((s) => s.v);
  }
}
