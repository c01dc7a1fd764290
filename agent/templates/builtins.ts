/**
 * Go text/template's predefined functions (and, or, not, len, index, slice,
 * print, printf, println, html, js, urlquery, eq, ne, lt, le, gt, ge), with
 * Go's typing rules and error messages ("incompatible types for comparison").
 * and/or short-circuit in the executor; their entries here type-check only.
 */
import { fn, FuncError, type FuncMap } from './funcs';
import { sprint, sprintf, sprintln } from './gofmt';
import { GoMap, GoNamedString, GoPointer, GoSlice, goTypeName, isTrue, type GoValue } from './values';

type Kind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

function basicKind(v: GoValue): Kind {
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'bigint': return 'int';
    case 'number': return 'float';
    case 'string': return 'string';
  }
  if (v instanceof GoNamedString) return 'string';
  return 'invalid';
}

function basicValue(v: GoValue): boolean | bigint | number | string {
  if (v instanceof GoNamedString) return v.value;
  return v as boolean | bigint | number | string;
}

const errBadComparisonType = () => new FuncError('invalid type for comparison');
const errBadComparison = () => new FuncError('incompatible types for comparison');

function eq(arg1: GoValue, ...rest: GoValue[]): boolean {
  if (rest.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (arg1 !== undefined && arg !== undefined) throw errBadComparison();
    } else if (k1 === 'invalid') {
      if (arg1 === undefined || arg === undefined || arg1 === null || arg === null) {
        truth = (arg1 ?? null) === (arg ?? null);
      } else if (arg1 instanceof GoMap || arg1 instanceof GoSlice) {
        throw new FuncError(`non-comparable type ${goTypeName(arg1)}: ${goTypeName(arg1)}`);
      } else if (goTypeName(arg1) !== goTypeName(arg)) {
        throw new FuncError(`non-comparable types ${goTypeName(arg1)}: ${goTypeName(arg1)}, ${goTypeName(arg)}: ${goTypeName(arg)}`);
      } else {
        truth = arg1 === arg || (arg1 instanceof GoPointer && arg instanceof GoPointer && arg1.target === arg.target);
      }
    } else {
      truth = basicValue(arg1) === basicValue(arg);
    }
    if (truth) return true;
  }
  return false;
}

function lt(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  if (k1 === 'invalid') throw errBadComparisonType();
  const k2 = basicKind(b);
  if (k2 === 'invalid') throw errBadComparisonType();
  if (k1 !== k2) throw errBadComparison();
  if (k1 === 'bool') throw errBadComparisonType();
  return (basicValue(a) as number) < (basicValue(b) as number);
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function length(item: GoValue): bigint {
  if (item instanceof GoPointer && item.target === null) throw new FuncError('len of nil pointer');
  if (typeof item === 'string') return BigInt(utf8Length(item));
  if (item instanceof GoNamedString) return BigInt(utf8Length(item.value));
  if (item instanceof GoSlice) return BigInt(item.items.length);
  if (item instanceof GoMap) return BigInt(item.entries.size);
  throw new FuncError(`len of type ${goTypeName(item)}`);
}

function indexArg(index: GoValue, cap: number): number {
  if (typeof index !== 'bigint') {
    if (index === undefined || index === null) throw new FuncError('cannot index slice/array with nil');
    throw new FuncError(`cannot index slice/array with type ${goTypeName(index)}`);
  }
  if (index < 0n || index > BigInt(cap)) throw new FuncError(`index out of range: ${index}`);
  return Number(index);
}

function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === undefined || item === null) throw new FuncError('index of untyped nil');
  for (const ix of indexes) {
    if (item instanceof GoPointer) {
      if (item.target === null) throw new FuncError('index of nil pointer');
      item = item.target as unknown as GoValue;
    }
    if (item instanceof GoSlice) {
      const x = indexArg(ix, item.items.length);
      if (x >= item.items.length) throw new FuncError(`reflect: slice index out of range`);
      item = item.items[x];
    } else if (typeof item === 'string') {
      const bytes = Buffer.from(item, 'utf8');
      const x = indexArg(ix, bytes.length);
      if (x >= bytes.length) throw new FuncError(`reflect: string index out of range`);
      item = BigInt(bytes[x]);
    } else if (item instanceof GoMap) {
      if (typeof ix !== 'string') {
        throw new FuncError(`value has type ${goTypeName(ix)}; should be string`);
      }
      item = item.entries.has(ix) ? item.entries.get(ix) : item.zero;
    } else {
      throw new FuncError(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function slice(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === undefined || item === null) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  const len = typeof item === 'string' ? utf8Length(item) : item instanceof GoSlice ? item.items.length : -1;
  if (len < 0) throw new FuncError(`can't slice item of type ${goTypeName(item)}`);
  if (typeof item === 'string' && indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
  const idx = [0, len];
  indexes.forEach((ix, i) => { idx[i] = indexArg(ix, len); });
  if (idx[0] > idx[1]) throw new FuncError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (typeof item === 'string') return Buffer.from(item, 'utf8').subarray(idx[0], idx[1]).toString('utf8');
  const s = item as GoSlice;
  return new GoSlice(s.type, s.items.slice(idx[0], idx[1]), s.elemType);
}

/** Go's evalArgs for html/js/urlquery: a single string as is, otherwise fmt.Sprint. */
function argsText(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => ({
    '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;',
  })[c]!);
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '\\': out += '\\\\'; continue;
      case "'": out += "\\'"; continue;
      case '"': out += '\\"'; continue;
      case '<': out += '\\u003C'; continue;
      case '>': out += '\\u003E'; continue;
      case '&': out += '\\u0026'; continue;
      case '=': out += '\\u003D'; continue;
    }
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f)) out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
    else out += ch;
  }
  return out;
}

/** url.QueryEscape */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export const BUILTINS: FuncMap = {
  and: fn(['value'], (...a: GoValue[]) => a[a.length - 1], 'value'),
  or: fn(['value'], (...a: GoValue[]) => a[a.length - 1], 'value'),
  not: fn(['value'], (a: GoValue) => !isTrue(a)),
  len: fn(['value'], length),
  index: fn(['value'], index, 'value'),
  slice: fn(['value'], slice, 'value'),
  print: fn([], (...a: GoValue[]) => sprint(a), 'any'),
  println: fn([], (...a: GoValue[]) => sprintln(a), 'any'),
  printf: fn(['string'], (f: string, ...a: GoValue[]) => sprintf(f, a), 'any'),
  html: fn([], (...a: GoValue[]) => htmlEscape(argsText(a)), 'any'),
  js: fn([], (...a: GoValue[]) => jsEscape(argsText(a)), 'any'),
  urlquery: fn([], (...a: GoValue[]) => queryEscape(argsText(a)), 'any'),
  eq: fn(['value'], eq, 'value'),
  ne: fn(['value', 'value'], (a: GoValue, b: GoValue) => !eq(a, b)),
  lt: fn(['value', 'value'], lt),
  le: fn(['value', 'value'], (a: GoValue, b: GoValue) => lt(a, b) || eq(a, b)),
  gt: fn(['value', 'value'], (a: GoValue, b: GoValue) => !(lt(a, b) || eq(a, b))),
  ge: fn(['value', 'value'], (a: GoValue, b: GoValue) => !lt(a, b)),
};
