/**
 * Match properties compiled to predicates, with the Collector's rules: every
 * field given must match (AND); within a list of names any one (OR); all
 * listed attributes must match. Under match_type: regexp strings are RE2
 * patterns, unanchored as in the Collector (write ^...$ for a whole value).
 */
import type { InstrumentationScope, KeyValue, LogRecord, Resource, Span } from '../../otlp/model';
import { anyValueToString, attributeString } from '../../otlp/values';
import { compileRegex } from '../../regex';
import type { AttributeMatch, LogProps, MetricProps, SpanProps } from './config';

type StringMatch = (s: string) => boolean;

function stringMatcher(matchType: 'strict' | 'regexp', patterns: readonly string[]): StringMatch {
  if (matchType === 'strict') {
    const set = new Set(patterns);
    return (s) => set.has(s);
  }
  const res = patterns.map((p) => compileRegex(p));
  return (s) => res.some((re) => re.test(s));
}

type AttrsMatch = (attrs: KeyValue[] | null | undefined) => boolean;

function attributesMatcher(matchType: 'strict' | 'regexp', list: readonly AttributeMatch[]): AttrsMatch {
  const checks = list.map(({ key, value }) => {
    if (value === undefined) return (attrs: KeyValue[] | null | undefined) => attributeString(attrs ?? undefined, key) !== undefined;
    const m = stringMatcher(matchType, [String(value)]);
    return (attrs: KeyValue[] | null | undefined) => {
      const v = attributeString(attrs ?? undefined, key);
      return v !== undefined && m(v);
    };
  });
  return (attrs) => checks.every((c) => c(attrs));
}

export interface SpanContext { resource?: Resource | null; scope?: InstrumentationScope | null; span: Span }

const KIND_NAMES = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];

export function spanMatcher(p: SpanProps): (c: SpanContext) => boolean {
  const checks: ((c: SpanContext) => boolean)[] = [];
  if (p.services) {
    const m = stringMatcher(p.match_type, p.services);
    checks.push((c) => m(attributeString(c.resource?.attributes ?? undefined, 'service.name') ?? ''));
  }
  if (p.span_names) {
    const m = stringMatcher(p.match_type, p.span_names);
    checks.push((c) => m(c.span.name ?? ''));
  }
  if (p.span_kinds) {
    const kinds = new Set<string>(p.span_kinds);
    checks.push((c) => kinds.has(KIND_NAMES[c.span.kind ?? 0] ?? ''));
  }
  if (p.attributes) {
    const m = attributesMatcher(p.match_type, p.attributes);
    checks.push((c) => m(c.span.attributes));
  }
  if (p.resources) {
    const m = attributesMatcher(p.match_type, p.resources);
    checks.push((c) => m(c.resource?.attributes));
  }
  if (p.libraries) {
    const libs = p.libraries.map((l) => ({ name: stringMatcher(p.match_type, [l.name]), version: l.version === undefined ? undefined : stringMatcher(p.match_type, [l.version]) }));
    checks.push((c) => libs.some((l) => l.name(c.scope?.name ?? '') && (!l.version || l.version(c.scope?.version ?? ''))));
  }
  return (c) => checks.every((f) => f(c));
}

export interface LogContext { resource?: Resource | null; record: LogRecord }

export function logMatcher(p: LogProps): (c: LogContext) => boolean {
  const checks: ((c: LogContext) => boolean)[] = [];
  if (p.resource_attributes) {
    const m = attributesMatcher(p.match_type, p.resource_attributes);
    checks.push((c) => m(c.resource?.attributes));
  }
  if (p.record_attributes) {
    const m = attributesMatcher(p.match_type, p.record_attributes);
    checks.push((c) => m(c.record.attributes));
  }
  if (p.severity_texts) {
    const m = stringMatcher(p.match_type, p.severity_texts);
    checks.push((c) => m(c.record.severityText ?? ''));
  }
  if (p.severity_number) {
    const { min, match_undefined } = p.severity_number;
    checks.push((c) => {
      const n = c.record.severityNumber ?? 0;
      return n === 0 ? match_undefined : n >= min;
    });
  }
  if (p.bodies) {
    const m = stringMatcher(p.match_type, p.bodies);
    checks.push((c) => m(anyValueToString(c.record.body)));
  }
  return (c) => checks.every((f) => f(c));
}

export interface PointContext { resource?: Resource | null; metricName: string; attributes?: KeyValue[] }

export function metricMatcher(p: MetricProps): (c: PointContext) => boolean {
  const checks: ((c: PointContext) => boolean)[] = [];
  if (p.metric_names) {
    const m = stringMatcher(p.match_type, p.metric_names);
    checks.push((c) => m(c.metricName));
  }
  if (p.resource_attributes) {
    const m = attributesMatcher(p.match_type, p.resource_attributes);
    checks.push((c) => m(c.resource?.attributes));
  }
  if (p.datapoint_attributes) {
    const m = attributesMatcher(p.match_type, p.datapoint_attributes);
    checks.push((c) => m(c.attributes));
  }
  return (c) => checks.every((f) => f(c));
}

/** include/exclude to one "keep?" predicate: include first, then exclude. */
export function keepPredicate<C>(include: ((c: C) => boolean) | undefined, exclude: ((c: C) => boolean) | undefined): ((c: C) => boolean) | undefined {
  if (!include && !exclude) return undefined;
  return (c) => (!include || include(c)) && !(exclude && exclude(c));
}
