/**
 * Per-item validation of a decoded export request. Items that would break
 * something downstream (a span without a valid id cannot be stored, joined
 * or forwarded to a strict backend) are removed from the request in place
 * and reported back to the sender as OTLP partial success, so one bad span
 * does not cost the other 511 in the batch.
 *
 * Rules (everything else passes through untouched):
 *   spans:    trace_id 16 bytes and not all zero; span_id 8 bytes and not all
 *             zero; parent_span_id empty or 8 bytes.
 *   logs:     trace_id empty or 16 bytes; span_id empty or 8 bytes.
 *   metrics:  a metric needs a name and a data field (gauge, sum, histogram,
 *             exponential_histogram or summary); a histogram point's
 *             bucket_counts must be empty or hold len(explicit_bounds)+1 counts.
 *
 * Limits (ValidationLimits, receivers.otlp.limits), per data point of any kind:
 *   a point stamped more than max_future ahead of the agent's clock (a wrong
 *   clock, or the year 2200) is rejected: stored, it would make every later
 *   real sample of its series "out of order";
 *   a histogram point with more than max_histogram_buckets buckets (explicit
 *   bounds + 1, or positive + negative exponential buckets) is rejected: each
 *   bucket is a series in the local store.
 */
import type {
  ExponentialHistogramDataPoint, ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest, HistogramDataPoint,
  LogRecord, Metric, Signal, SignalData, Span,
} from '../../otlp/model';
import { countMetricPoints, formatItemCount } from '../../otlp/count';
import { nanosToMillis } from '../../otlp/values';

export interface ValidationLimits {
  /** The agent's clock (ms). */
  nowMs: number;
  /** Points stamped later than nowMs + maxFutureMs are rejected; 0 = no check. */
  maxFutureMs: number;
  /** Histogram points with more buckets are rejected; 0 = no limit. */
  maxHistogramBuckets: number;
}

/** Why items were rejected, for lookout_receiver_rejected_items_total{reason}. */
export type RejectReason = 'invalid' | 'future_timestamp' | 'histogram_buckets';

type AnyPoint = { timeUnixNano?: Parameters<typeof nanosToMillis>[0] };

/** How many distinct problems the error message spells out before summarising the rest. */
const MAX_LISTED_PROBLEMS = 5;

export interface ValidationResult {
  /** Items removed from the request (spans / data points / log records). */
  rejected: number;
  /** The partial_success error_message; '' when nothing was rejected. */
  errorMessage: string;
  /** Rejected items by reason (absent when none). */
  byReason?: ReadonlyMap<RejectReason, number>;
}

/** Collects problems; keeps the first few distinct ones for the message. */
class Problems {
  rejected = 0;
  readonly byReason = new Map<RejectReason, number>();
  private readonly listed: string[] = [];
  private readonly seen = new Set<string>();
  private unlisted = 0;

  add(items: number, where: string, what: string, reason: RejectReason = 'invalid'): void {
    this.rejected += items;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + items);
    // Deduplicate by the problem itself, so 500 spans with the same bug yield one line.
    if (this.seen.has(what)) return;
    this.seen.add(what);
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push(`${where}: ${what}`);
    else this.unlisted++;
  }

  result(signal: Signal, droppedWithoutItems = 0): ValidationResult {
    if (this.rejected === 0 && droppedWithoutItems === 0) return { rejected: 0, errorMessage: '' };
    const byReason = this.byReason;
    const more = this.unlisted ? `; and ${this.unlisted} more kinds of problem` : '';
    const empty = droppedWithoutItems ? `, ${droppedWithoutItems} ${droppedWithoutItems === 1 ? 'metric' : 'metrics'} without data points dropped` : '';
    return {
      rejected: this.rejected,
      errorMessage: `${formatItemCount(signal, this.rejected)} rejected${empty}: ${this.listed.join('; ')}${more}`,
      byReason,
    };
  }
}

function isZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function len(b: Uint8Array | null | undefined): number {
  return b ? b.length : 0;
}

function spanProblem(s: Span): string | undefined {
  const traceLen = len(s.traceId);
  if (traceLen !== 16) return `trace_id must be 16 bytes, got ${traceLen}`;
  if (isZero(s.traceId)) return 'trace_id is all zeros (an invalid trace id)';
  const spanLen = len(s.spanId);
  if (spanLen !== 8) return `span_id must be 8 bytes, got ${spanLen}`;
  if (isZero(s.spanId)) return 'span_id is all zeros (an invalid span id)';
  const parentLen = len(s.parentSpanId);
  if (parentLen !== 0 && parentLen !== 8) return `parent_span_id must be empty or 8 bytes, got ${parentLen}`;
  return undefined;
}

function logProblem(r: LogRecord): string | undefined {
  const traceLen = len(r.traceId);
  if (traceLen !== 0 && traceLen !== 16) return `trace_id must be empty or 16 bytes, got ${traceLen}`;
  const spanLen = len(r.spanId);
  if (spanLen !== 0 && spanLen !== 8) return `span_id must be empty or 8 bytes, got ${spanLen}`;
  return undefined;
}

function metricProblem(m: Metric): string | undefined {
  if (!m.name) return 'metric has no name';
  if (!m.gauge && !m.sum && !m.histogram && !m.exponentialHistogram && !m.summary) {
    return `metric ${JSON.stringify(m.name)} has no data (one of gauge, sum, histogram, exponential_histogram, summary is required)`;
  }
  return undefined;
}

function histogramPointProblem(p: HistogramDataPoint): string | undefined {
  const buckets = p.bucketCounts?.length ?? 0;
  const bounds = p.explicitBounds?.length ?? 0;
  if (buckets !== 0 && buckets !== bounds + 1) {
    return `histogram point has ${buckets} bucket_counts for ${bounds} explicit_bounds (want ${bounds + 1})`;
  }
  return undefined;
}

function histogramBuckets(m: Metric, p: unknown): number {
  if (m.histogram) return ((p as HistogramDataPoint).explicitBounds?.length ?? 0) + 1;
  const e = p as ExponentialHistogramDataPoint;
  return (e.positive?.bucketCounts?.length ?? 0) + (e.negative?.bucketCounts?.length ?? 0) + 1; // + the zero bucket
}

/** A point's problem under the limits, with its reason; undefined when it passes. */
function pointLimitProblem(m: Metric, p: AnyPoint, limits: ValidationLimits): [string, RejectReason] | undefined {
  if (limits.maxFutureMs > 0) {
    const t = nanosToMillis(p.timeUnixNano);
    if (t > limits.nowMs + limits.maxFutureMs) {
      return [`data point stamped ${new Date(t).toISOString().slice(0, 10)}, more than ${limits.maxFutureMs / 1000}s ahead of the agent's clock (receivers.otlp.limits.max_future)`, 'future_timestamp'];
    }
  }
  if (limits.maxHistogramBuckets > 0 && (m.histogram || m.exponentialHistogram)) {
    const n = histogramBuckets(m, p);
    if (n > limits.maxHistogramBuckets) {
      return [`histogram point has ${n} buckets, over receivers.otlp.limits.max_histogram_buckets (${limits.maxHistogramBuckets})`, 'histogram_buckets'];
    }
  }
  return undefined;
}

/** The data points array of a metric, whatever its kind. */
function pointsOf(m: Metric): { list: AnyPoint[]; set(kept: AnyPoint[]): void; field: string } | undefined {
  const d = m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram ?? m.summary;
  if (!d?.dataPoints?.length) return undefined;
  const field = m.gauge ? 'gauge' : m.sum ? 'sum' : m.histogram ? 'histogram' : m.exponentialHistogram ? 'exponential_histogram' : 'summary';
  return { list: d.dataPoints as AnyPoint[], set: (kept) => { (d as { dataPoints: AnyPoint[] }).dataPoints = kept; }, field };
}

/**
 * Filters `list` keeping items without a problem. Returns the same array when
 * all pass, so the common case allocates nothing.
 */
function keepValid<T>(list: T[], problemOf: (item: T) => string | undefined, onBad: (item: T, index: number, problem: string) => void): T[] {
  let kept: T[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const problem = problemOf(list[i]);
    if (problem === undefined) {
      if (kept) kept.push(list[i]);
      continue;
    }
    if (!kept) kept = list.slice(0, i);
    onBad(list[i], i, problem);
  }
  return kept ?? list;
}

function validateTraces(data: ExportTraceServiceRequest): ValidationResult {
  const problems = new Problems();
  const resources = data.resourceSpans ?? [];
  let resourcesChanged = false;
  resources.forEach((rs, ri) => {
    const scopes = rs.scopeSpans ?? [];
    let scopesChanged = false;
    scopes.forEach((ss, si) => {
      const spans = ss.spans ?? [];
      const kept = keepValid(spans, spanProblem, (s, i, problem) =>
        problems.add(1, `span ${JSON.stringify(s.name ?? '')} (resource_spans[${ri}].scope_spans[${si}].spans[${i}])`, problem));
      if (kept !== spans) {
        ss.spans = kept;
        if (kept.length === 0) scopesChanged = true;
      }
    });
    // Envelopes emptied by validation are removed; ones the sender sent empty are left alone.
    if (scopesChanged) {
      rs.scopeSpans = scopes.filter((ss) => (ss.spans?.length ?? 0) > 0);
      if (rs.scopeSpans.length === 0) resourcesChanged = true;
    }
  });
  if (resourcesChanged) data.resourceSpans = resources.filter((rs) => (rs.scopeSpans?.length ?? 0) > 0);
  return problems.result('traces');
}

function validateLogs(data: ExportLogsServiceRequest): ValidationResult {
  const problems = new Problems();
  const resources = data.resourceLogs ?? [];
  let resourcesChanged = false;
  resources.forEach((rl, ri) => {
    const scopes = rl.scopeLogs ?? [];
    let scopesChanged = false;
    scopes.forEach((sl, si) => {
      const records = sl.logRecords ?? [];
      const kept = keepValid(records, logProblem, (_r, i, problem) =>
        problems.add(1, `log record resource_logs[${ri}].scope_logs[${si}].log_records[${i}]`, problem));
      if (kept !== records) {
        sl.logRecords = kept;
        if (kept.length === 0) scopesChanged = true;
      }
    });
    if (scopesChanged) {
      rl.scopeLogs = scopes.filter((sl) => (sl.logRecords?.length ?? 0) > 0);
      if (rl.scopeLogs.length === 0) resourcesChanged = true;
    }
  });
  if (resourcesChanged) data.resourceLogs = resources.filter((rl) => (rl.scopeLogs?.length ?? 0) > 0);
  return problems.result('logs');
}

function validateMetrics(data: ExportMetricsServiceRequest, limits?: ValidationLimits): ValidationResult {
  const problems = new Problems();
  // Metrics without data carry no data points; they are still dropped and named in the message.
  let droppedEmpty = 0;
  const resources = data.resourceMetrics ?? [];
  let resourcesChanged = false;
  resources.forEach((rm, ri) => {
    const scopes = rm.scopeMetrics ?? [];
    let scopesChanged = false;
    scopes.forEach((sm, si) => {
      const metrics = sm.metrics ?? [];
      const where = (i: number) => `resource_metrics[${ri}].scope_metrics[${si}].metrics[${i}]`;
      let kept: Metric[] | undefined;
      metrics.forEach((m, i) => {
        let keep = true;
        const problem = metricProblem(m);
        if (problem !== undefined) {
          const points = countMetricPoints(m);
          if (points === 0) droppedEmpty++;
          problems.add(points, where(i), problem);
          keep = false;
        } else {
          // Points are checked one by one: a bad point must not cost the metric its good points.
          const points = pointsOf(m);
          if (points) {
            let reason: RejectReason = 'invalid';
            const problemOf = (p: AnyPoint): string | undefined => {
              reason = 'invalid';
              const bad = m.histogram ? histogramPointProblem(p as HistogramDataPoint) : undefined;
              if (bad !== undefined || !limits) return bad;
              const limited = pointLimitProblem(m, p, limits);
              if (!limited) return undefined;
              reason = limited[1];
              return limited[0];
            };
            const good = keepValid(points.list, problemOf, (_p, pi, why) =>
              problems.add(1, `metric ${JSON.stringify(m.name)} (${where(i)}.${points.field}.data_points[${pi}])`, why, reason));
            if (good !== points.list) {
              points.set(good);
              keep = good.length > 0;
            }
          }
        }
        if (!keep && !kept) kept = metrics.slice(0, i);
        else if (keep && kept) kept.push(m);
      });
      if (kept) {
        sm.metrics = kept;
        if (kept.length === 0) scopesChanged = true;
      }
    });
    if (scopesChanged) {
      rm.scopeMetrics = scopes.filter((sm) => (sm.metrics?.length ?? 0) > 0);
      if (rm.scopeMetrics.length === 0) resourcesChanged = true;
    }
  });
  if (resourcesChanged) data.resourceMetrics = resources.filter((rm) => (rm.scopeMetrics?.length ?? 0) > 0);
  return problems.result('metrics', droppedEmpty);
}

/**
 * Removes invalid items from `data` (mutating it) and reports what was
 * removed. Call before handing the request to the next consumer.
 */
export function validateRequest<S extends Signal>(signal: S, data: SignalData[S], limits?: ValidationLimits): ValidationResult {
  switch (signal) {
    case 'traces': return validateTraces(data as ExportTraceServiceRequest);
    case 'metrics': return validateMetrics(data as ExportMetricsServiceRequest, limits);
    case 'logs': return validateLogs(data as ExportLogsServiceRequest);
    default: throw new Error(`validateRequest: unknown signal ${String(signal)}`);
  }
}
