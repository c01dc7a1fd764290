/**
 * One scrape as an OTLP metrics request, for `upstream: true`, following
 * the OpenTelemetry "Prometheus and OpenMetrics Compatibility" spec
 * (Prometheus -> OTLP):
 * - resource: `job` -> service.name (`ns/name` -> service.namespace +
 *   service.name), `instance` -> service.instance.id; the other target
 *   labels stay point attributes, as every scraped label does;
 * - counter -> monotonic cumulative Sum (the `_total` suffix removed),
 *   gauge / unknown / info / stateset -> Gauge, histogram -> cumulative
 *   Histogram (buckets from `le`, made non-cumulative), summary -> Summary;
 * - start time: the `_created` sample when the exposition has one, else
 *   the first time the agent scraped the series' target;
 * - HELP -> description, UNIT -> unit.
 */
import Long from 'long';
import type { ExportMetricsServiceRequest, KeyValue, Metric } from '../../otlp/model';
import { AggregationTemporality } from '../../otlp/model';
import type { Labels, MetricMetadata } from '../../store/types';
import type { ParsedSample } from './parse';

const nanos = (ms: number) => Long.fromNumber(Math.floor(ms)).multiply(1_000_000);

interface Family { name: string; meta: MetricMetadata; samples: ParsedSample[] }

const SUFFIXES: Record<MetricMetadata['type'], string[]> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  summary: ['_sum', '_count', '_created'],
  gauge: [],
  unknown: [],
};

/** The family a sample belongs to, by its name and the metadata seen (as Prometheus' metadata lookup). */
function familyOf(name: string, metadata: ReadonlyMap<string, MetricMetadata>): { family: string; meta: MetricMetadata } {
  const direct = metadata.get(name);
  if (direct && direct.type !== 'counter') return { family: name, meta: direct };
  for (const [fam, meta] of metadata) {
    if (name.startsWith(fam) && SUFFIXES[meta.type].includes(name.slice(fam.length))) return { family: fam, meta };
  }
  // Text-format counters declare the family with its _total name.
  if (direct) return { family: name, meta: direct };
  return { family: name, meta: { type: 'unknown', help: '', unit: '' } };
}

const attrs = (labels: Labels, skip: ReadonlySet<string>): KeyValue[] =>
  Object.keys(labels).filter((k) => !skip.has(k)).sort().map((key) => ({ key, value: { stringValue: labels[key] } }));

const POINT_SKIP = new Set(['__name__', 'job', 'instance']);
const BUCKET_SKIP = new Set(['__name__', 'job', 'instance', 'le']);
const QUANTILE_SKIP = new Set(['__name__', 'job', 'instance', 'quantile']);

function key(labels: Labels, skip: ReadonlySet<string>): string {
  return Object.keys(labels).filter((k) => !skip.has(k)).sort().map((k) => `${k}\xff${labels[k]}`).join('\xfe');
}

export function scrapeToOtlp(
  samples: readonly ParsedSample[], metadata: ReadonlyMap<string, MetricMetadata>, target: Labels, scrapeMs: number, firstSeenMs: number,
): ExportMetricsServiceRequest {
  const families = new Map<string, Family>();
  for (const s of samples) {
    const { family, meta } = familyOf(s.labels.__name__, metadata);
    let f = families.get(family);
    if (!f) families.set(family, f = { name: family, meta, samples: [] });
    f.samples.push(s);
  }
  const time = nanos(scrapeMs);
  const metrics: Metric[] = [];
  for (const f of families.values()) {
    const created = new Map<string, number>();
    for (const s of f.samples) if (s.labels.__name__ === `${f.name}_created`) created.set(key(s.labels, f.meta.type === 'histogram' ? BUCKET_SKIP : POINT_SKIP), s.value * 1000);
    const start = (labels: Labels, skip: ReadonlySet<string>) => nanos(created.get(key(labels, skip)) ?? firstSeenMs);
    const base = { description: f.meta.help, unit: f.meta.unit };
    const ts = (s: ParsedSample) => (s.timestampMs !== undefined ? nanos(s.timestampMs) : time);
    if (f.meta.type === 'counter') {
      const name = f.name.endsWith('_total') ? f.name.slice(0, -6) : f.name;
      const points = f.samples.filter((s) => !s.labels.__name__.endsWith('_created')).map((s) => ({
        attributes: attrs(s.labels, POINT_SKIP), startTimeUnixNano: start(s.labels, POINT_SKIP), timeUnixNano: ts(s), asDouble: s.value,
      }));
      metrics.push({ name, ...base, sum: { dataPoints: points, aggregationTemporality: AggregationTemporality.CUMULATIVE, isMonotonic: true } });
    } else if (f.meta.type === 'histogram') {
      const byPoint = new Map<string, { labels: Labels; bounds: [number, number][]; sum: number; count: number; t: Long }>();
      for (const s of f.samples) {
        const k = key(s.labels, BUCKET_SKIP);
        let p = byPoint.get(k);
        if (!p) byPoint.set(k, p = { labels: s.labels, bounds: [], sum: 0, count: 0, t: ts(s) });
        const suffix = s.labels.__name__.slice(f.name.length);
        if (suffix === '_bucket') p.bounds.push([s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), s.value]);
        else if (suffix === '_sum') p.sum = s.value;
        else if (suffix === '_count') p.count = s.value;
      }
      const points = [...byPoint.values()].map((p) => {
        p.bounds.sort((a, b) => a[0] - b[0]);
        const finite = p.bounds.filter(([b]) => b !== Infinity);
        const cumulative = [...finite.map(([, c]) => c), p.count];
        return {
          attributes: attrs(p.labels, BUCKET_SKIP), startTimeUnixNano: start(p.labels, BUCKET_SKIP), timeUnixNano: p.t,
          count: p.count, sum: p.sum, explicitBounds: finite.map(([b]) => b),
          bucketCounts: cumulative.map((c, i) => Math.max(0, c - (i > 0 ? cumulative[i - 1] : 0))),
        };
      });
      metrics.push({ name: f.name, ...base, histogram: { dataPoints: points, aggregationTemporality: AggregationTemporality.CUMULATIVE } });
    } else if (f.meta.type === 'summary') {
      const byPoint = new Map<string, { labels: Labels; q: { quantile: number; value: number }[]; sum: number; count: number; t: Long }>();
      for (const s of f.samples) {
        const k = key(s.labels, QUANTILE_SKIP);
        let p = byPoint.get(k);
        if (!p) byPoint.set(k, p = { labels: s.labels, q: [], sum: 0, count: 0, t: ts(s) });
        const suffix = s.labels.__name__.slice(f.name.length);
        if (suffix === '') p.q.push({ quantile: Number(s.labels.quantile), value: s.value });
        else if (suffix === '_sum') p.sum = s.value;
        else if (suffix === '_count') p.count = s.value;
      }
      metrics.push({
        name: f.name, ...base,
        summary: {
          dataPoints: [...byPoint.values()].map((p) => ({
            attributes: attrs(p.labels, QUANTILE_SKIP), startTimeUnixNano: start(p.labels, QUANTILE_SKIP), timeUnixNano: p.t,
            count: p.count, sum: p.sum, quantileValues: p.q.sort((a, b) => a.quantile - b.quantile),
          })),
        },
      });
    } else {
      // Gauges and untyped series are gauges; each distinct name its own metric (untyped families have no shared stem).
      const byName = new Map<string, ParsedSample[]>();
      for (const s of f.samples) byName.set(s.labels.__name__, [...(byName.get(s.labels.__name__) ?? []), s]);
      for (const [name, ss] of byName) {
        metrics.push({ name, ...base, gauge: { dataPoints: ss.map((s) => ({ attributes: attrs(s.labels, POINT_SKIP), timeUnixNano: ts(s), asDouble: s.value })) } });
      }
    }
  }
  const resource: KeyValue[] = [];
  const job = target.job ?? '';
  const slash = job.indexOf('/');
  if (slash > 0) {
    resource.push({ key: 'service.namespace', value: { stringValue: job.slice(0, slash) } });
    resource.push({ key: 'service.name', value: { stringValue: job.slice(slash + 1) } });
  } else resource.push({ key: 'service.name', value: { stringValue: job } });
  if (target.instance) resource.push({ key: 'service.instance.id', value: { stringValue: target.instance } });
  return { resourceMetrics: [{ resource: { attributes: resource }, scopeMetrics: [{ scope: { name: 'lookout/receivers/prometheus' }, metrics }] }] };
}
