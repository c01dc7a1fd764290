/**
 * The filter processor: drops spans, data points and log records that its
 * include/exclude properties reject, then drops what became empty (scopes,
 * resources, metrics without points). When nothing is left `next` is not
 * called at all: the request is accepted and nothing goes on.
 */
import type { Component, Consumer, Host } from '../../component/component';
import type { KeyValue, Signal, SignalData } from '../../otlp/model';
import { metricPoints } from '../redaction/walk';
import type { FilterConfig } from './config';
import { keepPredicate, logMatcher, metricMatcher, spanMatcher, type LogContext, type PointContext, type SpanContext } from './match';

type Keep<C> = ((c: C) => boolean) | undefined;

export class FilterProcessor implements Component, Consumer {
  /** Items dropped per signal since start. */
  readonly dropped: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
  private readonly keepSpan: Keep<SpanContext>;
  private readonly keepLog: Keep<LogContext>;
  private readonly keepPoint: Keep<PointContext>;

  constructor(readonly id: string, config: FilterConfig, private readonly next: Consumer) {
    const m = <P, C>(p: P | undefined, f: (p: P) => (c: C) => boolean) => (p ? f(p) : undefined);
    this.keepSpan = keepPredicate(m(config.spans.include, spanMatcher), m(config.spans.exclude, spanMatcher));
    this.keepLog = keepPredicate(m(config.logs.include, logMatcher), m(config.logs.exclude, logMatcher));
    this.keepPoint = keepPredicate(m(config.metrics.include, metricMatcher), m(config.metrics.exclude, metricMatcher));
  }

  async start(host: Host): Promise<void> {
    host.meter.createObservableCounter('lookout_filter_dropped_total', {
      description: 'Spans, metric data points and log records dropped by a filter processor.',
    }).addCallback((obs) => {
      for (const signal of ['traces', 'metrics', 'logs'] as const) obs.observe(this.dropped[signal], { processor: this.id, signal });
    });
  }

  async shutdown(): Promise<void> {}

  /** Filters in place; returns how many items are left. */
  process<S extends Signal>(signal: S, data: SignalData[S]): number {
    if (signal === 'traces') return this.traces(data as SignalData['traces']);
    if (signal === 'logs') return this.logs(data as SignalData['logs']);
    return this.metrics(data as SignalData['metrics']);
  }

  async consume<S extends Signal>(signal: S, data: SignalData[S]): Promise<void> {
    if (this.process(signal, data) === 0) return;
    return this.next.consume(signal, data);
  }

  private traces(req: SignalData['traces']): number {
    const keep = this.keepSpan;
    let left = 0;
    if (!keep) {
      for (const rs of req.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) left += ss.spans?.length ?? 0;
      return left;
    }
    req.resourceSpans = (req.resourceSpans ?? []).filter((rs) => {
      rs.scopeSpans = (rs.scopeSpans ?? []).filter((ss) => {
        const before = ss.spans?.length ?? 0;
        ss.spans = (ss.spans ?? []).filter((span) => keep({ resource: rs.resource, scope: ss.scope, span }));
        this.dropped.traces += before - ss.spans.length;
        left += ss.spans.length;
        return ss.spans.length > 0;
      });
      return rs.scopeSpans.length > 0;
    });
    return left;
  }

  private logs(req: SignalData['logs']): number {
    const keep = this.keepLog;
    let left = 0;
    if (!keep) {
      for (const rl of req.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) left += sl.logRecords?.length ?? 0;
      return left;
    }
    req.resourceLogs = (req.resourceLogs ?? []).filter((rl) => {
      rl.scopeLogs = (rl.scopeLogs ?? []).filter((sl) => {
        const before = sl.logRecords?.length ?? 0;
        sl.logRecords = (sl.logRecords ?? []).filter((record) => keep({ resource: rl.resource, record }));
        this.dropped.logs += before - sl.logRecords.length;
        left += sl.logRecords.length;
        return sl.logRecords.length > 0;
      });
      return rl.scopeLogs.length > 0;
    });
    return left;
  }

  private metrics(req: SignalData['metrics']): number {
    const keep = this.keepPoint;
    let left = 0;
    if (!keep) {
      for (const rm of req.resourceMetrics ?? []) for (const sm of rm.scopeMetrics ?? []) for (const m of sm.metrics ?? []) left += metricPoints(m).length;
      return left;
    }
    req.resourceMetrics = (req.resourceMetrics ?? []).filter((rm) => {
      rm.scopeMetrics = (rm.scopeMetrics ?? []).filter((sm) => {
        sm.metrics = (sm.metrics ?? []).filter((metric) => {
          const holder = metric.gauge ?? metric.sum ?? metric.histogram ?? metric.exponentialHistogram ?? metric.summary;
          if (!holder) return false;
          const points = holder.dataPoints ?? [];
          const kept = (points as { attributes?: KeyValue[] }[]).filter((p) => keep({ resource: rm.resource, metricName: metric.name, attributes: p.attributes }));
          this.dropped.metrics += points.length - kept.length;
          left += kept.length;
          (holder as { dataPoints: unknown[] }).dataPoints = kept;
          return kept.length > 0;
        });
        return sm.metrics.length > 0;
      });
      return rm.scopeMetrics.length > 0;
    });
    return left;
  }
}
