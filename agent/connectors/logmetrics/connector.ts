/**
 * The logmetrics connector: a Consumer of logs that counts log records,
 * written to the store as
 *   log_records_total{service_name, severity_text, job, instance}
 * plus the user's counters (connectors.logmetrics.counters), each labelled
 * service_name/job/instance and the configured attribute keys.
 */
import type { ExportLogsServiceRequest, KeyValue } from '../../otlp/model';
import { attributeString } from '../../otlp/values';
import type { Appender, Labels } from '../../store/types';
import { resourceLabels } from '../../translate/prometheus/labels';
import { undecodedBytesOf } from '../../otlp/lazy';
import { visitLogRecords } from '../../otlp/wire/logs';
import { serviceAndIdentity } from '../../otlp/wire/resource';
import { sanitizeLabelName } from '../../translate/prometheus/names';
import { derivedMetricsOptions } from '../shared/config';
import { DerivedMetrics, type CounterFamily } from '../shared/derived-metrics';
import { Flusher } from '../shared/flusher';
import { DerivedMetricsConnector } from '../shared/connector';
import { LOG_RECORDS_TOTAL, type LogmetricsConfig } from './config';
import { RecordMatcher } from './matcher';
import { severityName, severityNumberOf } from './severity';

interface UserCounter {
  family: CounterFamily;
  matcher: RecordMatcher;
  /** [attribute key, label name] pairs. */
  labels: [string, string][];
}

export interface LogMetricsOptions {
  /** Clock (ms), injectable for tests. */
  now?: () => number;
}

export class LogMetricsConnector extends DerivedMetricsConnector<'logs'> {
  protected readonly signal = 'logs' as const;
  readonly id = 'logmetrics';
  private readonly metrics: DerivedMetrics;
  private readonly records?: CounterFamily;
  private readonly counters: UserCounter[];
  protected readonly flusher: Flusher;
  private readonly now: () => number;

  constructor(readonly config: LogmetricsConfig, appender: Appender, opts: LogMetricsOptions = {}) {
    super();
    this.now = opts.now ?? Date.now;
    this.metrics = new DerivedMetrics(derivedMetricsOptions(config));
    if (config.log_records.enabled) {
      this.records = this.metrics.counter(LOG_RECORDS_TOTAL, {
        type: 'counter',
        help: 'Number of log records, by service and severity (TRACE, DEBUG, INFO, WARN, ERROR, FATAL, UNSPECIFIED).',
        unit: '',
      });
    }
    this.counters = config.counters.map((c) => ({
      family: this.metrics.counter(c.name, { type: 'counter', help: c.description, unit: '' }),
      matcher: new RecordMatcher(c.match),
      labels: c.labels.map((key) => [key, sanitizeLabelName(key)] as [string, string]),
    }));
    this.flusher = new Flusher('logmetrics', this.metrics, appender, config.metrics_flush_interval, this.now);
    this.limitValuesLike(appender);
  }

  /** Adds a request's log records to the running totals. */
  record(req: ExportLogsServiceRequest): void {
    const now = this.now();
    // Undecoded and nothing but log_records_total to count: read service and severity from the bytes
    // (agent/otlp/wire/logs.ts). User counters match on attributes and bodies: they read the tree.
    const bytes = this.counters.length === 0 ? undecodedBytesOf(req) : undefined;
    if (bytes) {
      if (this.records) this.recordBytes(bytes, now);
      return;
    }
    for (const rl of req.resourceLogs ?? []) {
      const resAttrs = rl.resource?.attributes ?? undefined;
      const { prefix, base } = this.resourceKey(this.cut(attributeString(resAttrs, 'service.name')), resourceLabels(rl.resource).identity);
      for (const sl of rl.scopeLogs ?? []) {
        for (const lr of sl.logRecords ?? []) {
          const sevNum = severityNumberOf(lr.severityNumber, lr.severityText);
          if (this.records) this.countRecord(prefix, base, severityName(lr.severityNumber, lr.severityText), now);
          for (const c of this.counters) {
            if (!c.matcher.matches(lr, sevNum, resAttrs)) continue;
            this.count(c, prefix, base, lr.attributes, resAttrs, now);
          }
        }
      }
    }
  }

  /** log_records_total from a request's bytes: the same resource values as the tree path reads. */
  private recordBytes(bytes: Buffer, now: number): void {
    let key = { prefix: '', base: {} as Labels };
    visitLogRecords(bytes, {
      resource: (attrs) => {
        const { service, identity } = serviceAndIdentity(attrs);
        key = this.resourceKey(this.cut(service), identity);
      },
      // The text is decoded only when the number does not say the severity.
      record: (r) => this.countRecord(key.prefix, key.base, r.severityNumber >= 1 && r.severityNumber <= 24
        ? severityName(r.severityNumber, undefined) : severityName(r.severityNumber, r.severityText()), now),
    });
  }

  private resourceKey(service: string | undefined, identity: Labels): { prefix: string; base: Labels } {
    const base: Labels = {};
    if (service) base.service_name = service;
    if (this.maxValueLength > 0) for (const k in identity) identity[k] = this.cut(identity[k]);
    Object.assign(base, identity);
    return { prefix: `${service ?? ''}\u0001${identity.job ?? ''}\u0001${identity.instance ?? ''}`, base };
  }

  private countRecord(prefix: string, base: Labels, sev: string, now: number): void {
    const key = `${prefix}\u0001${sev}`;
    (this.records!.get(key) ?? this.records!.create(key, { ...base, severity_text: sev }, now)).add(1, now);
  }

  private count(c: UserCounter, prefix: string, base: Labels, attrs: KeyValue[] | undefined, resAttrs: KeyValue[] | undefined, now: number): void {
    let key = prefix;
    const values: (string | undefined)[] = [];
    for (const [attr] of c.labels) {
      const v = this.cut(attributeString(attrs, attr) ?? attributeString(resAttrs, attr));
      values.push(v || undefined);
      key += v ? `\u0003${v}` : '\u0002';
    }
    let e = c.family.get(key);
    if (!e) {
      const labels: Labels = {};
      c.labels.forEach(([, name], i) => {
        if (values[i] !== undefined) labels[name] = values[i]!;
      });
      // service_name, job and instance come from the resource and win over attributes.
      Object.assign(labels, base);
      e = c.family.create(key, labels, now);
    }
    e.add(1, now);
  }
}
