/**
 * The parser operators (json_parser, regex_parser) and their embedded
 * timestamp, severity and trace blocks, turning one entry into an OTLP log
 * record. The body stays the original text; parsed fields become
 * attributes, as the Collector's parsers do with the default parse_to.
 */
import Long from 'long';
import type { AnyValue, KeyValue, LogRecord } from '../../otlp/model';
import { compileRegex, type GoRegexp } from '../../regex';
import { severityNumberOf } from '../../connectors/logmetrics/severity';
import type { OperatorConfig } from './config';
import { parseEpoch, parseStrptime } from './timestamp';

export type ParseOutcome = 'ok' | 'drop';

/** Counts what went wrong, by operator id and stage (parse, timestamp, severity, trace). */
export type ErrorSink = (operator: string, stage: string) => void;

/** Our own JS value -> AnyValue (JSON fields). */
export function toAnyValue(v: unknown): AnyValue | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { intValue: v } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map((x) => toAnyValue(x) ?? {}) } };
  if (typeof v === 'object') return { kvlistValue: { values: toKeyValues(v as Record<string, unknown>) } };
  return { stringValue: String(v) };
}

function toKeyValues(o: Record<string, unknown>): KeyValue[] {
  const out: KeyValue[] = [];
  for (const [key, v] of Object.entries(o)) {
    const value = toAnyValue(v);
    if (value) out.push({ key, value });
  }
  return out;
}

/** The value's text for timestamp/severity/trace fields (numbers as their decimal text). */
function scalarText(v: AnyValue | undefined): string | undefined {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.boolValue !== undefined) return String(v.boolValue);
  return undefined;
}

/** Reads `body` or `attributes.a.b` (nested kvlists) from a record. */
export function readField(rec: LogRecord, field: string): AnyValue | undefined {
  if (field === 'body') return rec.body ?? undefined;
  const path = field.slice('attributes.'.length);
  const attrs = rec.attributes ?? [];
  const whole = attrs.find((a) => a.key === path);
  if (whole) return whole.value ?? undefined;
  let list: KeyValue[] | undefined = attrs;
  let value: AnyValue | undefined;
  for (const part of path.split('.')) {
    value = list?.find((a) => a.key === part)?.value ?? undefined;
    list = value?.kvlistValue?.values;
  }
  return value;
}

const HEX = /^[0-9a-fA-F]*$/;
function hexBytes(text: string | undefined, len: number): Uint8Array | undefined {
  if (!text || text.length !== len * 2 || !HEX.test(text)) return undefined;
  const bytes = Uint8Array.from(Buffer.from(text, 'hex'));
  return bytes.some((b) => b !== 0) ? bytes : undefined;
}

/** One configured parser, compiled. */
export class Operator {
  readonly id: string;
  private readonly re?: GoRegexp;

  constructor(private readonly cfg: OperatorConfig, index: number) {
    this.id = cfg.id ?? `${cfg.type}${index}`;
    if (cfg.type === 'regex_parser') this.re = compileRegex(cfg.regex);
  }

  /** Parses into rec (adds attributes, sets time/severity/trace); 'drop' when on_error says so. */
  apply(rec: LogRecord, onError: ErrorSink): ParseOutcome {
    const source = scalarText(readField(rec, this.cfg.parse_from));
    const fields = source === undefined ? undefined : this.parse(source);
    if (!fields) {
      onError(this.id, 'parse');
      return this.cfg.on_error === 'drop' ? 'drop' : 'ok';
    }
    (rec.attributes ??= []).push(...fields);
    this.extract(rec, onError);
    return 'ok';
  }

  private parse(text: string): KeyValue[] | undefined {
    if (this.cfg.type === 'json_parser') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return undefined;
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
      return toKeyValues(parsed as Record<string, unknown>);
    }
    const m = this.re!.exec(text);
    if (!m) return undefined;
    const out: KeyValue[] = [];
    for (const [name, idx] of Object.entries(this.re!.names)) {
      const v = m[idx];
      if (v !== undefined) out.push({ key: name, value: { stringValue: v } });
    }
    return out;
  }

  private extract(rec: LogRecord, onError: ErrorSink): void {
    const { timestamp, severity, trace } = this.cfg;
    if (timestamp) {
      const v = readField(rec, timestamp.parse_from);
      const text = scalarText(v);
      const ns = text === undefined ? undefined
        : timestamp.layout_type === 'epoch' ? parseEpoch(text, timestamp.layout) : parseStrptime(text, timestamp.layout);
      if (ns === undefined) onError(this.id, 'timestamp');
      else rec.timeUnixNano = Long.fromBits(Number(ns & 0xffffffffn), Number((ns >> 32n) & 0xffffffffn), true);
    }
    if (severity) {
      const text = scalarText(readField(rec, severity.parse_from));
      if (text !== undefined) {
        rec.severityText = text;
        const n = severityNumberOf(undefined, text);
        if (n > 0) rec.severityNumber = n;
        else onError(this.id, 'severity');
      }
    }
    if (trace) {
      const traceText = scalarText(readField(rec, trace.trace_id.parse_from));
      const spanText = scalarText(readField(rec, trace.span_id.parse_from));
      const traceId = hexBytes(traceText, 16);
      const spanId = hexBytes(spanText, 8);
      if (traceText !== undefined && !traceId) onError(this.id, 'trace_id');
      if (spanText !== undefined && !spanId) onError(this.id, 'span_id');
      if (traceId) rec.traceId = traceId;
      if (spanId) rec.spanId = spanId;
      const flags = scalarText(readField(rec, trace.trace_flags.parse_from));
      if (flags !== undefined && /^[0-9a-fA-F]{2}$/.test(flags)) rec.flags = parseInt(flags, 16);
    }
  }
}
