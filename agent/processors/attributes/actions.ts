/**
 * The Collector's attribute actions compiled once into one function over an
 * attribute list (also used by the resource processor). The list is changed
 * in place and returned (delete filters it).
 */
import { createHash } from 'node:crypto';
import type { AnyValue, KeyValue } from '../../otlp/model';
import { anyValueToString, int64ToNumber } from '../../otlp/values';
import { compileRegex, type GoRegexp } from '../../regex';
import type { AttributeAction } from './config';

export type AttributesFn = (attrs: KeyValue[]) => KeyValue[];

/** A config value as an AnyValue: integers as intValue, other numbers as doubleValue. */
export function toAnyValue(v: string | number | boolean): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
}

/** Which oneof of an AnyValue is set (decoded messages carry it in `value`; literals do not). */
function kindOf(v: AnyValue | null | undefined): string | undefined {
  if (!v) return undefined;
  if (v.value) return v.value;
  for (const k of ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] as const) {
    if (v[k] !== undefined && v[k] !== null) return k;
  }
  return undefined;
}

function indexOf(attrs: KeyValue[], key: string): number {
  for (let i = 0; i < attrs.length; i++) if (attrs[i].key === key) return i;
  return -1;
}

function set(attrs: KeyValue[], key: string, value: AnyValue, mode: 'insert' | 'update' | 'upsert'): void {
  const i = indexOf(attrs, key);
  if (i >= 0) {
    if (mode !== 'insert') attrs[i] = { key, value };
  } else if (mode !== 'update') {
    attrs.push({ key, value });
  }
}

/** SHA-256 hex of the value's string form, as the Collector's hash action (SHA-256 since v0.84). */
function hashValue(v: AnyValue | null | undefined): AnyValue {
  return { stringValue: createHash('sha256').update(anyValueToString(v)).digest('hex') };
}

function convert(v: AnyValue | null | undefined, to: 'int' | 'double' | 'string'): AnyValue | undefined {
  const kind = kindOf(v);
  if (!v || !kind) return undefined;
  if (to === 'string') return { stringValue: anyValueToString(v) };
  let n: number;
  if (kind === 'intValue') n = int64ToNumber(v.intValue);
  else if (kind === 'doubleValue') n = v.doubleValue ?? 0;
  else if (kind === 'boolValue') n = v.boolValue ? 1 : 0;
  else if (kind === 'stringValue') n = Number((v.stringValue ?? '').trim() === '' ? NaN : v.stringValue);
  else return undefined;
  // As the Collector: a value that does not convert is left unchanged.
  if (!Number.isFinite(n)) return undefined;
  return to === 'int' ? { intValue: Math.trunc(n) } : { doubleValue: n };
}

function compileOne(a: AttributeAction): AttributesFn {
  const key = a.key ?? '';
  const re: GoRegexp | undefined = a.pattern ? compileRegex(a.pattern) : undefined;
  switch (a.action) {
    case 'insert': case 'update': case 'upsert': {
      const mode = a.action;
      if (a.from_attribute !== undefined) {
        const from = a.from_attribute;
        return (attrs) => {
          const i = indexOf(attrs, from);
          if (i >= 0 && attrs[i].value) set(attrs, key, attrs[i].value!, mode);
          return attrs;
        };
      }
      const value = toAnyValue(a.value!);
      return (attrs) => {
        set(attrs, key, { ...value }, mode);
        return attrs;
      };
    }
    case 'delete':
      return re
        ? (attrs) => attrs.filter((kv) => !re.test(kv.key))
        : (attrs) => (indexOf(attrs, key) < 0 ? attrs : attrs.filter((kv) => kv.key !== key));
    case 'hash':
      return (attrs) => {
        for (let i = 0; i < attrs.length; i++) {
          const kv = attrs[i];
          if (re ? re.test(kv.key) : kv.key === key) attrs[i] = { key: kv.key, value: hashValue(kv.value) };
        }
        return attrs;
      };
    case 'extract': {
      const names = Object.entries(re!.names);
      return (attrs) => {
        const i = indexOf(attrs, key);
        if (i < 0 || kindOf(attrs[i].value) !== 'stringValue') return attrs;
        const m = re!.exec(attrs[i].value!.stringValue ?? '');
        if (!m) return attrs;
        for (const [name, group] of names) {
          const v = m[group];
          if (v !== undefined) set(attrs, name, { stringValue: v }, 'upsert');
        }
        return attrs;
      };
    }
    case 'convert': {
      const to = a.converted_type!;
      return (attrs) => {
        const i = indexOf(attrs, key);
        if (i < 0) return attrs;
        const v = convert(attrs[i].value, to);
        if (v) attrs[i] = { key, value: v };
        return attrs;
      };
    }
  }
}

/** All actions, in order, as one function. */
export function compileActions(actions: readonly AttributeAction[]): AttributesFn {
  const fns = actions.map(compileOne);
  return (attrs) => {
    let out = attrs;
    for (const f of fns) out = f(out);
    return out;
  };
}
