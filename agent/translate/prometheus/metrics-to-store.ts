/**
 * OTLP metrics into the local time-series store, the way an OTel-aware
 * Prometheus (or the Collector's prometheus exporter) names and shapes them:
 * see names.ts and labels.ts for naming, cumulative.ts for delta handling,
 * exponential.ts for exponential histograms, zero-injection.ts for the
 * created-timestamp zero. Sits on the metrics pipeline as a Consumer.
 */
import type { Component, Consumer, Host } from '../../component/component';
import type {
  ExportMetricsServiceRequest, HistogramDataPoint, InstrumentationScope, Metric, NumberDataPoint, Signal, SignalData,
  SummaryDataPoint,
} from '../../otlp/model';
import { AggregationTemporality, FLAG_NO_RECORDED_VALUE } from '../../otlp/model';
import { int64ToNumber, nanosToMillis } from '../../otlp/values';
import type { Appender, Labels, MetricMetadata, SeriesRef } from '../../store/types';
import type { BudgetedAppender } from '../../store/memory-store';
import { stringHash } from '../../store/labels';
import { formatGoFloatF } from '../../format/gofloat';
import { DeltaToCumulative } from './cumulative';
import { expHistogramFromPoint, expToClassicBuckets, mergeExp, type ExpHistogram } from './exponential';
import { attributesToLabels, labelsKey, resourceLabels } from './labels';
import { prometheusMetricName, unitSuffix } from './names';
import { ZeroInjector } from './zero-injection';

export interface MetricsToStoreOptions {
  /** Clock (ms) for points without a timestamp and for forgetting silent streams. */
  now?: () => number;
  /**
   * Per-stream state (delta running totals, start times, last series) is
   * forgotten after this long without a point; default 1 h (the store's
   * default retention). A delta stream that comes back later restarts at 0.
   */
  streamTtlMs?: number;
}

export const DEFAULT_STREAM_TTL_MS = 3600_000;

/**
 * Longest synchronous piece of one request's translation and store append
 * (ms): consume() lets the event loop poll I/O whenever a slice is used up. A 500-point request took 5-15 ms in one
 * piece (bench/promql/isolation.bench.ts), and /healthz waited for it.
 */
export const TRANSLATE_SLICE_MS = 4;

/** Says when the running slice is used up (checked between data points). */
type Due = () => boolean;
const never: Due = () => false;

type Kind = MetricMetadata['type'];

/** One sample to write, or a stale marker when value is undefined. */
interface Out { labels: Labels; v: number }

function pointValue(p: NumberDataPoint): number {
  if (p.value === 'asInt') return int64ToNumber(p.asInt);
  if (p.value === 'asDouble') return p.asDouble ?? 0;
  if (p.asDouble !== undefined && p.asDouble !== null) return p.asDouble;
  return int64ToNumber(p.asInt);
}

function isStale(flags: number | undefined): boolean {
  return ((flags ?? 0) & FLAG_NO_RECORDED_VALUE) !== 0;
}

function hasSum(sum: number | null | undefined): sum is number {
  return sum !== null && sum !== undefined;
}

interface ClassicHistogram { bounds: number[]; counts: number[]; sum: number | undefined; count: number }

export class MetricsToStore implements Component, Consumer<'metrics'> {
  readonly id = 'translate/prometheus';
  /** Writes to the local store; runs only after the exporter accepted the data (see FanoutConsumer). */
  readonly neverRefuses = true;
  private readonly now: () => number;
  private readonly delta = new DeltaToCumulative();
  private readonly zeros = new ZeroInjector();
  /** Last metadata written per family, so setMetadata runs only on change. */
  private readonly metaSeen = new Map<string, string>();
  /**
   * Series last written per stream, to mark them all stale on NO_RECORDED_VALUE
   * and to append through the store's series references (no hashing and
   * lookup per sample). The references carry the store's interned labels, so
   * a stream costs ~100 bytes here instead of a label set of its own.
   */
  private readonly lastSeries = new Map<number, Stream>();
  private readonly streamTtlMs: number;
  private lastSweep: number;
  /** Wall clock read once per request. */
  private wall = 0;
  /**
   * The request being translated (settled once it is in the store): one at a
   * time, in the order consume() was called, so slices of two requests never
   * interleave and a series' points reach the store in arrival order, as
   * when a request was translated in one piece.
   */
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly appender: Appender, opts: MetricsToStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.streamTtlMs = opts.streamTtlMs ?? DEFAULT_STREAM_TTL_MS;
    this.lastSweep = this.now();
  }

  /** Number of streams with remembered state (for tests and self-metrics). */
  get streamCount(): number {
    return this.lastSeries.size;
  }

  async start(_host: Host): Promise<void> {}

  /** Waits for the request being translated: everything answered 200 is in the store. */
  async shutdown(): Promise<void> {
    await this.inFlight;
  }

  /**
   * Translates and stores the request in slices of TRANSLATE_SLICE_MS, one
   * request at a time; resolves once every point is in the store (the
   * receiver answers only then).
   */
  consume(signal: Signal, data: SignalData[Signal]): Promise<void> {
    if (signal !== 'metrics') return Promise.resolve();
    const run = this.inFlight.then(() => this.translateInSlices(data as ExportMetricsServiceRequest));
    this.inFlight = run.catch(() => undefined);
    return run;
  }

  /**
   * Between slices the event loop polls I/O once (setImmediate), not a turn
   * of the shared FIFO (nextTurn()): requests are translated one after the
   * other, so with the FIFO the one translation running would get a single
   * 4 ms slice per round of every waiting decode, request and query slice,
   * and ingestion would stall behind it (at 2x capacity with query load,
   * accepted requests fell from 652 to 177 in 30 s). So a loop iteration
   * holds at most one FIFO turn and one translation slice.
   */
  private async translateInSlices(req: ExportMetricsServiceRequest): Promise<void> {
    let sliceEnd = performance.now() + TRANSLATE_SLICE_MS;
    const steps = this.translateSteps(req, () => performance.now() >= sliceEnd);
    while (!steps.next().done) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceEnd = performance.now() + TRANSLATE_SLICE_MS;
    }
  }

  /** Synchronous form of consume(), for callers that already hold a request (tests, benchmarks). */
  translate(req: ExportMetricsServiceRequest): void {
    const steps = this.translateSteps(req, never);
    while (!steps.next().done);
  }

  /** The translation, yielding between data points whenever due() says the slice is used up. */
  private *translateSteps(req: ExportMetricsServiceRequest, due: Due): Generator<void, void, void> {
    this.wall = this.now();
    // A budgeted appender (MemoryStore.budgetedAppender) limits the new series of one request.
    (this.appender as Partial<BudgetedAppender>).beginRequest?.();
    this.sweep();
    for (const rm of req.resourceMetrics ?? []) {
      const { identity, targetInfo } = resourceLabels(rm.resource);
      const resourceKey = labelsKey(attributesToLabels(rm.resource?.attributes));
      let latest = 0;
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) {
          latest = Math.max(latest, yield* this.translateMetric(m, identity, `${resourceKey}\x00${scopeKey(sm.scope)}`, due));
        }
      }
      if (targetInfo && latest > 0) {
        this.setMeta('target_info', { type: 'gauge', help: 'Target metadata', unit: '' });
        this.appender.append(targetInfo, latest, 1);
      }
    }
  }

  /** Returns the latest point time written (ms), 0 when none. */
  private *translateMetric(m: Metric, identity: Labels, streamPrefix: string, due: Due): Generator<void, number, void> {
    const kind: Kind = m.gauge ? 'gauge'
      : m.sum ? (m.sum.isMonotonic ? 'counter' : 'gauge')
        : m.histogram || m.exponentialHistogram ? 'histogram'
          : m.summary ? 'summary' : 'unknown';
    if (kind === 'unknown') return 0;
    const name = prometheusMetricName(m.name, m.unit, kind);
    this.setMeta(name, { type: kind, help: m.description ?? '', unit: unitSuffix(m.unit, kind) });
    let latest = 0;
    const base = (attrs: NumberDataPoint['attributes']): Labels => {
      const l = attributesToLabels(attrs);
      Object.assign(l, identity);
      return l;
    };
    if (m.gauge || m.sum) {
      const points = (m.gauge ?? m.sum)!.dataPoints ?? [];
      const isDelta = m.sum?.aggregationTemporality === AggregationTemporality.DELTA;
      for (const p of points) {
        if (due()) yield;
        const labels = base(p.attributes);
        labels.__name__ = name;
        const key = `${streamPrefix}\x00${m.name}\x00${labelsKey(labels)}`;
        let t = this.pointTime(p.timeUnixNano);
        let start = nanosToMillis(p.startTimeUnixNano);
        let v = pointValue(p);
        if (isStale(p.flags)) {
          this.markStale(key, t);
          continue;
        }
        if (isDelta) {
          const run = this.delta.accumulate(key, start, t, v, (a, b) => a + b, this.wall);
          if (!run) continue;
          v = run.acc;
          start = run.start;
          t = run.lastT;
        }
        this.write(key, [{ labels, v }], kind === 'counter' ? start : 0, t);
        latest = Math.max(latest, t);
      }
    } else if (m.histogram) {
      const isDelta = m.histogram.aggregationTemporality === AggregationTemporality.DELTA;
      for (const p of m.histogram.dataPoints ?? []) {
        if (due()) yield;
        latest = Math.max(latest, this.writeClassic(p, name, base(p.attributes), streamPrefix, m.name, isDelta));
      }
    } else if (m.exponentialHistogram) {
      const isDelta = m.exponentialHistogram.aggregationTemporality === AggregationTemporality.DELTA;
      for (const p of m.exponentialHistogram.dataPoints ?? []) {
        if (due()) yield;
        const labels = base(p.attributes);
        const key = `${streamPrefix}\x00${m.name}\x00${labelsKey(labels)}`;
        let t = this.pointTime(p.timeUnixNano);
        let start = nanosToMillis(p.startTimeUnixNano);
        if (isStale(p.flags)) {
          this.markStale(key, t);
          continue;
        }
        let h: ExpHistogram = expHistogramFromPoint(p);
        if (isDelta) {
          const run = this.delta.accumulate(key, start, t, h, mergeExp, this.wall);
          if (!run) continue;
          h = run.acc;
          start = run.start;
          t = run.lastT;
        }
        const buckets = expToClassicBuckets(h);
        this.write(key, histogramSeries(name, labels, buckets, h.sum, h.count), start, t);
        latest = Math.max(latest, t);
      }
    } else if (m.summary) {
      for (const p of m.summary.dataPoints ?? []) {
        if (due()) yield;
        latest = Math.max(latest, this.writeSummary(p, name, base(p.attributes), streamPrefix, m.name));
      }
    }
    return latest;
  }

  private writeClassic(p: HistogramDataPoint, name: string, labels: Labels, streamPrefix: string, otelName: string, isDelta: boolean): number {
    const key = `${streamPrefix}\x00${otelName}\x00${labelsKey(labels)}`;
    let t = this.pointTime(p.timeUnixNano);
    let start = nanosToMillis(p.startTimeUnixNano);
    if (isStale(p.flags)) {
      this.markStale(key, t);
      return 0;
    }
    let h: ClassicHistogram = {
      bounds: p.explicitBounds ?? [],
      counts: (p.bucketCounts ?? []).map(int64ToNumber),
      sum: hasSum(p.sum) ? p.sum : undefined,
      count: int64ToNumber(p.count),
    };
    if (isDelta) {
      const run = this.delta.accumulate(key, start, t, h, (a, b) => {
        // A changed bucket layout cannot be added up: restart the running total.
        if (a.bounds.length !== b.bounds.length || a.bounds.some((x, i) => x !== b.bounds[i])) return undefined;
        return {
          bounds: a.bounds,
          counts: a.counts.map((c, i) => c + (b.counts[i] ?? 0)),
          sum: a.sum === undefined || b.sum === undefined ? undefined : a.sum + b.sum,
          count: a.count + b.count,
        };
      }, this.wall);
      if (!run) return 0;
      h = run.acc;
      start = run.start;
      t = run.lastT;
    }
    const buckets: { le: number; count: number }[] = [];
    let cum = 0;
    h.bounds.forEach((le, i) => {
      cum += h.counts[i] ?? 0;
      buckets.push({ le, count: cum });
    });
    buckets.push({ le: Infinity, count: h.count });
    this.write(key, histogramSeries(name, labels, buckets, h.sum, h.count), start, t);
    return t;
  }

  private writeSummary(p: SummaryDataPoint, name: string, labels: Labels, streamPrefix: string, otelName: string): number {
    const key = `${streamPrefix}\x00${otelName}\x00${labelsKey(labels)}`;
    const t = this.pointTime(p.timeUnixNano);
    if (isStale(p.flags)) {
      this.markStale(key, t);
      return 0;
    }
    const out: Out[] = [];
    for (const q of p.quantileValues ?? []) {
      out.push({ labels: { ...labels, __name__: name, quantile: formatGoFloatF(q.quantile ?? 0) }, v: q.value ?? 0 });
    }
    out.push({ labels: { ...labels, __name__: `${name}_sum` }, v: p.sum ?? 0 });
    out.push({ labels: { ...labels, __name__: `${name}_count` }, v: int64ToNumber(p.count) });
    // Only _sum/_count are counters; quantiles are gauges and get no zero.
    this.write(key, out, nanosToMillis(p.startTimeUnixNano), t, out.length - 2);
    return t;
  }

  /**
   * Appends the samples of one stream. When start > 0, the series from
   * index `zeroFrom` on are cumulative and get created-timestamp zeros.
   */
  private write(key: string, out: Out[], start: number, t: number, zeroFrom = 0): void {
    if (start > 0) this.zeros.inject(this.appender, out.slice(zeroFrom).map((o) => o.labels), start, t, this.wall);
    // Keyed by a 53-bit hash of the stream key: at 100k streams the key strings (~300 bytes each)
    // were the largest item of the translator's memory; a collision would only cost a stale marker.
    const h = stringHash(key);
    const last = this.lastSeries.get(h);
    if (last && sameSeries(last.refs, out)) {
      const refs = last.refs;
      if (out.length === 1) this.appendVia(refs as SeriesRef, t, out[0].v);
      else for (let i = 0; i < out.length; i++) this.appendVia((refs as SeriesRef[])[i], t, out[i].v);
      last.seenAt = this.wall;
      return;
    }
    for (const o of out) this.appender.append(o.labels, t, o.v);
    const refs = out.map((o) => this.appender.seriesRef?.(o.labels) ?? new OwnLabels(o.labels));
    this.lastSeries.set(h, { refs: refs.length === 1 ? refs[0] : refs, seenAt: this.wall });
  }

  private appendVia(ref: SeriesRef, t: number, v: number): void {
    if (ref instanceof OwnLabels || !this.appender.appendRef) this.appender.append(ref.labels, t, v);
    else this.appender.appendRef(ref, t, v);
  }

  private markStale(key: string, t: number): void {
    const refs = this.lastSeries.get(stringHash(key))?.refs;
    if (!refs) return;
    for (const ref of Array.isArray(refs) ? refs : [refs]) this.appender.markStale(ref.labels, t);
  }

  /** Forgets silent streams at most every TTL/4, so memory follows the live series, not all ever seen. */
  private sweep(): void {
    if (this.wall - this.lastSweep < this.streamTtlMs / 4) return;
    this.lastSweep = this.wall;
    const before = this.wall - this.streamTtlMs;
    this.delta.forgetOlderThan(before);
    this.zeros.forgetOlderThan(before);
    for (const [k, s] of this.lastSeries) if (s.seenAt < before) this.lastSeries.delete(k);
  }

  private pointTime(nanos: NumberDataPoint['timeUnixNano']): number {
    const t = nanosToMillis(nanos);
    return t > 0 ? t : this.now();
  }

  private setMeta(name: string, meta: MetricMetadata): void {
    const sig = `${meta.type}\x00${meta.help}\x00${meta.unit}`;
    if (this.metaSeen.get(name) === sig) return;
    this.metaSeen.set(name, sig);
    this.appender.setMetadata(name, meta);
  }
}

/** The series a stream wrote last: one reference (most streams) or one per series (histograms, summaries). */
interface Stream { refs: SeriesRef | SeriesRef[]; seenAt: number }

/** A label set the appender has no reference for (refused, or an appender without seriesRef): appended by labels. */
class OwnLabels implements SeriesRef {
  constructor(readonly labels: Labels) {}
}

/** Whether a stream's remembered series are the ones it writes now (same count, same label sets in order). */
function sameSeries(refs: SeriesRef | SeriesRef[], out: Out[]): boolean {
  if (!Array.isArray(refs)) return out.length === 1 && sameLabelSet(refs.labels, out[0].labels);
  return refs.length === out.length && out.every((o, i) => sameLabelSet(refs[i].labels, o.labels));
}

function sameLabelSet(a: Labels, b: Labels): boolean {
  let n = 0;
  for (const k in b) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  return n === Object.keys(a).length;
}

function scopeKey(scope: InstrumentationScope | null | undefined): string {
  return `${scope?.name ?? ''}\x00${scope?.version ?? ''}`;
}

/** _bucket{le} series (cumulative counts, +Inf last), then _sum (when known) and _count. */
export function histogramSeries(name: string, labels: Labels, buckets: { le: number; count: number }[], sum: number | undefined, count: number): Out[] {
  const out: Out[] = buckets.map((b) => ({ labels: { ...labels, __name__: `${name}_bucket`, le: formatGoFloatF(b.le) }, v: b.count }));
  if (sum !== undefined) out.push({ labels: { ...labels, __name__: `${name}_sum` }, v: sum });
  out.push({ labels: { ...labels, __name__: `${name}_count` }, v: count });
  return out;
}
