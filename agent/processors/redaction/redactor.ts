/**
 * The redaction engine, independent of where values come from: strings
 * (scanned with the pre-scan + patterns), AnyValues (recursively), attribute
 * lists (with key rules), alert label sets. Counts every replacement by
 * pattern name; the processor turns the counts into self-metrics.
 */
import { createHmac } from 'node:crypto';
import type { AnyValue, KeyValue } from '../../otlp/model';
import type { RedactionConfig } from './config';
import { BUILTIN_PATTERNS, type BuiltinPattern, type Replace } from './patterns';
import { CustomPattern } from './custom-pattern';
import { KeyRules } from './key-rules';

/** Shorter strings are never scanned: no built-in secret fits in fewer characters. */
export const MIN_SCANNED_LENGTH = 8;

/**
 * Values found clean are remembered (most attribute values repeat: methods,
 * routes, hosts, service names), up to this many, each at most
 * CLEAN_CACHE_MAX_LENGTH characters (about 2 MiB at most); the set is
 * cleared when full, so unique values from a sender cost one insert each.
 */
export const CLEAN_CACHE_ENTRIES = 4096;
export const CLEAN_CACHE_MAX_LENGTH = 256;

/** The pattern name counted for a value replaced because of its key. */
export const BLOCKED_KEY = 'blocked_key';
/** The name counted for a value cut to max_value_length. */
export const TRUNCATED = 'truncated';
/** Appended to a value cut to max_value_length. */
export const TRUNCATION_MARK = '…[truncated by redaction]';

export interface RedactionEvent {
  pattern: string;
  key: string | undefined;
}

export class Redactor {
  /** Replacements per pattern name since start. */
  readonly counts = new Map<string, number>();
  readonly keyRules: KeyRules;
  private readonly builtins: BuiltinPattern[];
  private readonly custom: CustomPattern[];
  private readonly replaceFor = new Map<string, Replace>();
  private readonly mask: string;
  private readonly replaceWhole: (v: string) => string;
  /** Called once per replacement (rate-limited logging lives in the processor). */
  onRedact?: (e: RedactionEvent) => void;
  /**
   * Values written back into data since start (every in-place change made
   * through this redactor or the walks): the processor compares it around
   * each step to know whether a request changed (then its received bytes
   * no longer describe it).
   */
  mutations = 0;
  private currentKey: string | undefined;
  private readonly clean = new Set<string>();

  constructor(readonly config: RedactionConfig) {
    this.mask = config.mask;
    const enabled = new Set(config.builtin_patterns);
    this.builtins = BUILTIN_PATTERNS.filter((p) => enabled.has(p.name));
    this.custom = config.blocked_values.map((b, i) => typeof b === 'string'
      ? new CustomPattern(`blocked_values[${i}]`, b)
      : new CustomPattern(b.name, b.regex));
    this.keyRules = new KeyRules(config.blocked_keys, config.blocked_key_patterns, config.ignored_keys);
    const salt = config.salt ?? '';
    this.replaceWhole = config.action === 'hash'
      ? (v) => `sha256:${createHmac('sha256', salt).update(v).digest('hex')}`
      : () => this.mask;
    for (const name of this.patternNames()) {
      this.counts.set(name, 0);
      this.replaceFor.set(name, (secret) => {
        this.count(name);
        return this.replaceWhole(secret);
      });
    }
  }

  private count(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    this.onRedact?.({ pattern: name, key: this.currentKey });
  }

  /** Every name a replacement can be counted under. */
  patternNames(): string[] {
    return [...this.builtins.map((p) => p.name), ...this.custom.map((p) => p.name), BLOCKED_KEY, TRUNCATED];
  }

  /** `s` with every secret replaced; the same string when none was found. */
  redactString(s: string): string {
    if (s.length < MIN_SCANNED_LENGTH) return s;
    if (s.length > this.config.max_value_length) {
      this.count(TRUNCATED);
      return this.redactString(s.slice(0, this.config.max_value_length)) + TRUNCATION_MARK;
    }
    const cacheable = s.length <= CLEAN_CACHE_MAX_LENGTH;
    if (cacheable && this.clean.has(s)) return s;
    let out = s;
    for (const p of this.builtins) {
      if (p.mayMatch(out)) out = p.redact(out, this.replaceFor.get(p.name)!, this.mask);
    }
    for (const p of this.custom) out = p.redact(out, this.replaceFor.get(p.name)!);
    if (out === s && cacheable) {
      if (this.clean.size >= CLEAN_CACHE_ENTRIES) this.clean.clear();
      this.clean.add(s);
    }
    return out;
  }

  /** One attribute, in place: blocked keys lose their whole value, others are scanned. */
  redactKeyValue(kv: KeyValue): void {
    const rule = this.keyRules.rule(kv.key);
    if (rule === 'ignore' || !kv.value) return;
    this.currentKey = kv.key;
    if (rule === 'block') {
      if (!isEmptyValue(kv.value) && !(kv.value.stringValue === this.mask)) {
        kv.value = { stringValue: this.replaceFor.get(BLOCKED_KEY)!(valueText(kv.value)) };
        this.mutations++;
      }
    } else {
      this.redactAnyValue(kv.value);
    }
    this.currentKey = undefined;
  }

  redactAttributes(attrs: KeyValue[] | null | undefined): void {
    if (!attrs) return;
    for (let i = 0; i < attrs.length; i++) this.redactKeyValue(attrs[i]);
  }

  /** A value in place: strings scanned, arrays and maps walked (map entries obey the key rules). */
  redactAnyValue(v: AnyValue | null | undefined, depth = 0): void {
    if (!v || depth > 32) return;
    const s = v.stringValue;
    if (typeof s === 'string' && s.length >= MIN_SCANNED_LENGTH) {
      const r = this.redactString(s);
      if (r !== s) {
        v.stringValue = r;
        this.mutations++;
      }
      return;
    }
    const arr = v.arrayValue?.values;
    if (arr) for (const item of arr) this.redactAnyValue(item, depth + 1);
    const kvs = v.kvlistValue?.values;
    if (kvs) {
      const outer = this.currentKey;
      for (const kv of kvs) this.redactKeyValue(kv);
      this.currentKey = outer;
    }
  }

  /** A label set or annotation set (alerts): a new object when anything changed. */
  redactRecord(rec: Record<string, string>): Record<string, string> {
    let out: Record<string, string> | undefined;
    for (const key of Object.keys(rec)) {
      const value = rec[key];
      const rule = this.keyRules.rule(key);
      if (rule === 'ignore' || value === '') continue;
      this.currentKey = key;
      const r = rule === 'block' ? (value === this.mask ? value : this.replaceFor.get(BLOCKED_KEY)!(value)) : this.redactString(value);
      this.currentKey = undefined;
      if (r !== value) (out ??= { ...rec })[key] = r;
    }
    return out ?? rec;
  }
}

function isEmptyValue(v: AnyValue): boolean {
  return v.stringValue === '' && !v.arrayValue && !v.kvlistValue && v.value === 'stringValue';
}

/** What a blocked key's value is hashed from (any type). */
function valueText(v: AnyValue): string {
  if (typeof v.stringValue === 'string' && (v.value === 'stringValue' || v.value === undefined)) return v.stringValue;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? '';
}
