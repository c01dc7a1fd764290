/**
 * Counters and histograms that connectors derive from spans and log records,
 * kept in memory as running (cumulative) totals and written to the store's
 * Appender on flush, the way the Collector's spanmetrics connector feeds a
 * Prometheus exporter:
 *
 *  - a series that changed since the last flush is appended at the flush time;
 *  - an unchanged series is appended again every `resendIntervalMs`, so it
 *    stays visible to instant queries and rate() over an idle period is 0
 *    instead of "no data" (what a Prometheus scrape of the Collector gives);
 *  - a new series first gets a 0 sample at the time its first item was
 *    counted (created-timestamp zero injection), so increase()/rate() count
 *    the first items too;
 *  - a series unchanged for `expirationMs` (0 = never) is marked stale and forgotten;
 *  - a family holding `cardinalityLimit` label sets (0 = no limit) counts
 *    further label sets into one series labelled otel_metric_overflow="true",
 *    as the Collector's aggregation_cardinality_limit does.
 */
import type { Appender, Labels, MetricMetadata, SeriesRef } from '../../store/types';

export interface DerivedMetricsOptions {
  resendIntervalMs: number;
  expirationMs: number;
  cardinalityLimit: number;
}

export interface FlushResult {
  samples: number;
  refused: number;
  expired: number;
}

abstract class Entry {
  /** Time (ms) of the last sample written; starts at the creation time so the first write is later. */
  appendedAt: number;
  everAppended = false;
  dirty = true;
  changedAt: number;
  /**
   * The store's references to `series` once all were written (Appender.seriesRef):
   * later flushes append through them, without building, hashing and looking up
   * label sets; `series` then holds the store's interned labels, not a copy.
   */
  refs: SeriesRef[] | undefined = undefined;

  constructor(readonly series: Labels[], readonly createdAt: number) {
    this.appendedAt = createdAt;
    this.changedAt = createdAt;
  }

  /** Current values, parallel to `series`. */
  abstract values(): ArrayLike<number>;
}

export class CounterEntry extends Entry {
  value = 0;

  add(n: number, now: number): void {
    this.value += n;
    this.dirty = true;
    this.changedAt = now;
  }

  values(): ArrayLike<number> {
    return [this.value];
  }
}

export class HistogramEntry extends Entry {
  /** Per-bucket counts (not cumulative); the last one is the +Inf bucket. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(series: Labels[], createdAt: number, private readonly bounds: readonly number[]) {
    super(series, createdAt);
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number, now: number): void {
    const b = this.bounds;
    // Linear scan: bucket lists are short (16 by default) and most spans land early.
    let i = 0;
    while (i < b.length && v > b[i]) i++;
    this.counts[i]++;
    this.sum += v;
    this.count++;
    this.dirty = true;
    this.changedAt = now;
  }

  values(): ArrayLike<number> {
    const out = new Array<number>(this.series.length);
    let cum = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cum += this.counts[i];
      out[i] = cum;
    }
    out[this.bounds.length] = this.count; // le="+Inf"
    out[this.bounds.length + 1] = this.sum;
    out[this.bounds.length + 2] = this.count;
    return out;
  }
}

abstract class Family<E extends Entry> {
  protected readonly entries = new Map<string, E>();
  private overflow?: E;
  /** The cardinality limit was hit (sticky). */
  overflowed = false;
  /** The overflow was reported once (newlyOverflowed). */
  overflowReported = false;

  constructor(readonly name: string, readonly meta: MetricMetadata, private readonly limit: number) {}

  get size(): number {
    return this.entries.size + (this.overflow ? 1 : 0);
  }

  get(key: string): E | undefined {
    return this.entries.get(key);
  }

  /** Whether `e` is the entry every label set beyond the cardinality limit shares. */
  isOverflow(e: E): boolean {
    return e === this.overflow;
  }

  /** The entry for a new label set (or the overflow entry when the family is full). */
  create(key: string, labels: Labels, now: number): E {
    if (this.limit > 0 && this.entries.size >= this.limit) {
      this.overflowed = true;
      this.overflow ??= this.make({ otel_metric_overflow: 'true' }, now);
      return this.overflow;
    }
    const e = this.make(labels, now);
    this.entries.set(key, e);
    return e;
  }

  protected abstract make(labels: Labels, now: number): E;

  flush(out: Appender, now: number, opts: DerivedMetricsOptions, result: FlushResult): void {
    if (this.size === 0) return;
    out.setMetadata(this.name, this.meta);
    for (const [key, e] of this.entries) {
      if (opts.expirationMs > 0 && now - e.changedAt >= opts.expirationMs) {
        for (const s of e.series) out.markStale(s, now);
        this.entries.delete(key);
        result.expired++;
        continue;
      }
      this.write(out, e, now, opts, result);
    }
    if (this.overflow) this.write(out, this.overflow, now, opts, result);
  }

  private write(out: Appender, e: E, now: number, opts: DerivedMetricsOptions, result: FlushResult): void {
    if (!e.dirty && now - e.appendedAt < opts.resendIntervalMs) return;
    const t = Math.max(now, e.appendedAt + 1);
    const series = e.series;
    if (!e.everAppended) {
      for (const s of series) {
        if (out.append(s, e.createdAt, 0)) result.samples++;
        else result.refused++;
      }
    }
    const values = e.values();
    const refs = out.appendRef ? e.refs : undefined;
    let refused = 0;
    for (let i = 0; i < series.length; i++) {
      if (refs ? out.appendRef!(refs[i], t, values[i]) : out.append(series[i], t, values[i])) result.samples++;
      else refused++;
    }
    result.refused += refused;
    if (!e.refs && refused === 0 && out.seriesRef) resolveRefs(out, e);
    e.appendedAt = t;
    e.everAppended = true;
    e.dirty = false;
  }
}

/** Looks up the entry's series once; kept only when the store holds all of them. */
function resolveRefs(out: Appender, e: Entry): void {
  const refs: SeriesRef[] = [];
  for (const labels of e.series) {
    const ref = out.seriesRef!(labels);
    if (!ref) return;
    refs.push(ref);
  }
  for (let i = 0; i < refs.length; i++) e.series[i] = refs[i].labels;
  e.refs = refs;
}

export class CounterFamily extends Family<CounterEntry> {
  protected make(labels: Labels, now: number): CounterEntry {
    return new CounterEntry([{ ...labels, __name__: this.name }], now);
  }
}

/** Formats a bucket bound as an `le` value. */
export type LeFormatter = (bound: number) => string;

export class HistogramFamily extends Family<HistogramEntry> {
  constructor(name: string, meta: MetricMetadata, limit: number, readonly bounds: readonly number[], private readonly le: LeFormatter) {
    super(name, meta, limit);
  }

  protected make(labels: Labels, now: number): HistogramEntry {
    const series: Labels[] = [];
    for (const b of this.bounds) series.push({ ...labels, __name__: `${this.name}_bucket`, le: this.le(b) });
    series.push({ ...labels, __name__: `${this.name}_bucket`, le: '+Inf' });
    series.push({ ...labels, __name__: `${this.name}_sum` });
    series.push({ ...labels, __name__: `${this.name}_count` });
    return new HistogramEntry(series, now, this.bounds);
  }
}

/** A connector's set of families, flushed together. */
export class DerivedMetrics {
  private readonly families: Family<Entry>[] = [];
  /** Changes whenever a flush drops entries (expiry): caches of entries are stale then. */
  generation = 0;

  constructor(readonly opts: DerivedMetricsOptions) {}

  counter(name: string, meta: MetricMetadata): CounterFamily {
    const f = new CounterFamily(name, meta, this.opts.cardinalityLimit);
    this.families.push(f);
    return f;
  }

  histogram(name: string, meta: MetricMetadata, bounds: readonly number[], le: LeFormatter): HistogramFamily {
    const f = new HistogramFamily(name, meta, this.opts.cardinalityLimit, bounds, le);
    this.families.push(f);
    return f;
  }

  /** Label sets held, over all families. */
  get size(): number {
    let n = 0;
    for (const f of this.families) n += f.size;
    return n;
  }

  /** Families that hit the cardinality limit since the last call (each reported once). */
  newlyOverflowed(): string[] {
    const out: string[] = [];
    for (const f of this.families) {
      if (f.overflowed && !f.overflowReported) {
        out.push(f.name);
        f.overflowReported = true;
      }
    }
    return out;
  }

  flush(out: Appender, now: number): FlushResult {
    const result: FlushResult = { samples: 0, refused: 0, expired: 0 };
    for (const f of this.families) f.flush(out, now, this.opts, result);
    if (result.expired > 0) this.generation++;
    return result;
  }
}
