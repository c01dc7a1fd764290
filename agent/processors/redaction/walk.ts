/**
 * Where secrets can sit in each signal, walked in place: resource and scope
 * attributes; span names, attributes, status messages, event and link
 * attributes; log bodies (strings, maps, arrays) and attributes; metric data
 * point attributes and exemplars (they become store labels).
 *
 * Generators: they yield after each span, log record and metric, so the
 * processor can give the event loop a turn during a large request.
 */
import type {
  Exemplar, ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest, InstrumentationScope, KeyValue, Metric, Resource,
} from '../../otlp/model';
import type { Redactor } from './redactor';

function resourceAndScope(r: Redactor, resource: Resource | null | undefined, scope?: InstrumentationScope | null): void {
  if (resource) r.redactAttributes(resource.attributes);
  if (scope) r.redactAttributes(scope.attributes);
}

export function* redactTraces(r: Redactor, req: ExportTraceServiceRequest): Generator<void> {
  for (const rs of req.resourceSpans ?? []) {
    resourceAndScope(r, rs.resource);
    for (const ss of rs.scopeSpans ?? []) {
      resourceAndScope(r, undefined, ss.scope);
      for (const span of ss.spans ?? []) {
        const name = span.name;
        if (name) {
          const red = r.redactString(name);
          if (red !== name) {
            span.name = red;
            r.mutations++;
          }
        }
        r.redactAttributes(span.attributes);
        const msg = span.status?.message;
        if (msg) {
          const red = r.redactString(msg);
          if (red !== msg) {
            span.status!.message = red;
            r.mutations++;
          }
        }
        for (const ev of span.events ?? []) r.redactAttributes(ev.attributes);
        for (const link of span.links ?? []) r.redactAttributes(link.attributes);
        yield;
      }
    }
  }
}

export function* redactLogs(r: Redactor, req: ExportLogsServiceRequest): Generator<void> {
  for (const rl of req.resourceLogs ?? []) {
    resourceAndScope(r, rl.resource);
    for (const sl of rl.scopeLogs ?? []) {
      resourceAndScope(r, undefined, sl.scope);
      for (const rec of sl.logRecords ?? []) {
        r.redactAnyValue(rec.body);
        r.redactAttributes(rec.attributes);
        yield;
      }
    }
  }
}

/** What every data point kind has in common. */
export interface PointLike { attributes?: KeyValue[]; exemplars?: Exemplar[] }

export function metricPoints(m: Metric): PointLike[] {
  return m.gauge?.dataPoints ?? m.sum?.dataPoints ?? m.histogram?.dataPoints ?? m.exponentialHistogram?.dataPoints ?? m.summary?.dataPoints ?? [];
}

export function* redactMetrics(r: Redactor, req: ExportMetricsServiceRequest): Generator<void> {
  for (const rm of req.resourceMetrics ?? []) {
    resourceAndScope(r, rm.resource);
    for (const sm of rm.scopeMetrics ?? []) {
      resourceAndScope(r, undefined, sm.scope);
      for (const m of sm.metrics ?? []) {
        for (const p of metricPoints(m)) {
          r.redactAttributes(p.attributes);
          for (const ex of p.exemplars ?? []) r.redactAttributes(ex.filteredAttributes);
        }
        yield;
      }
    }
  }
}
