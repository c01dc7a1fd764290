/**
 * One user-defined counter's conditions, compiled once: attribute values
 * (exact or anchored regex, read from the record, else its resource), a
 * body search and a minimum severity. All given conditions must hold.
 */
import type { KeyValue, LogRecord } from '../../otlp/model';
import { anyValueToString, attributeString } from '../../otlp/values';
import { anchoredRegex } from '../../store/regex';
import { bodyRegex, type BodyRegex } from './body-regex';
import type { CounterConfig } from './config';

type ValueTest = (v: string) => boolean;

export class RecordMatcher {
  private readonly attributes: [string, ValueTest][];
  private readonly body?: BodyRegex;
  private readonly severityMin?: number;

  constructor(match: CounterConfig['match']) {
    this.attributes = Object.entries(match.attributes).map(([key, cond]) => {
      if (typeof cond === 'string') return [key, (v: string) => v === cond];
      const re = anchoredRegex(cond.regex);
      return [key, (v: string) => re.test(v)];
    });
    if (match.body_regex !== undefined) this.body = bodyRegex(match.body_regex);
    this.severityMin = match.severity_min;
  }

  /** `severity` is the record's severity number (0 when unknown: never passes severity_min). */
  matches(record: LogRecord, severity: number, resource: KeyValue[] | undefined): boolean {
    if (this.severityMin !== undefined && severity < this.severityMin) return false;
    for (const [key, test] of this.attributes) {
      const v = attributeString(record.attributes, key) ?? attributeString(resource, key);
      if (v === undefined || !test(v)) return false;
    }
    if (this.body && !this.body.test(anyValueToString(record.body))) return false;
    return true;
  }
}
