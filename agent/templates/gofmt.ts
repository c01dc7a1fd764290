/**
 * Go's fmt package for template values: Sprint (what {{ x }} prints),
 * Sprintln and Sprintf with the verbs alert templates use (%s %d %f %e %g %v
 * %q %x %t %c %o %b %%, flags, width, precision), including Go's in-band
 * error markers such as "%!d(float64=1.5)" and "%!s(MISSING)", so a template
 * renders the same text it renders in Prometheus.
 */
import { goQuote } from '../format/goquote';
import { formatFloat } from './gofloat';
import {
  GoMap, GoNamedString, GoPointer, GoSlice, GoStruct, GoTime, goTypeName, type GoValue,
} from './values';

/** Go's time.Time.String() for a UTC time: "2006-01-02 15:04:05.999999999 +0000 UTC". */
export function formatGoTime(ms: number): string {
  const d = new Date(Math.floor(ms));
  if (Number.isNaN(d.getTime())) return 'invalid time';
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const year = d.getUTCFullYear();
  let out = `${year < 0 ? '-' + p(-year, 4) : p(year, 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} `
    + `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  const frac = d.getUTCMilliseconds();
  if (frac) out += '.' + p(frac, 3).replace(/0+$/, '');
  return out + ' +0000 UTC';
}

function quoteRune(c: number): string {
  const ch = String.fromCodePoint(c);
  if (ch === "'") return "'\\''";
  if (ch === '"') return `'"'`;
  const q = goQuote(ch);
  return "'" + q.slice(1, -1) + "'";
}

/** %v of a value; depth > 0 inside composites (where pointers print as addresses in Go). */
export function formatValue(v: GoValue, depth = 0): string {
  if (v === undefined) return '<invalid reflect.Value>';
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'string': return v;
    case 'number': return formatFloat(v, 'g', -1);
    case 'bigint': return v.toString();
    case 'boolean': return v ? 'true' : 'false';
  }
  if (v instanceof GoTime) return formatGoTime(v.ms);
  if (v instanceof GoNamedString) return v.value;
  if (v instanceof GoMap) {
    const keys = [...v.entries.keys()].sort();
    return 'map[' + keys.map((k) => `${k}:${formatValue(v.entries.get(k), depth + 1)}`).join(' ') + ']';
  }
  if (v instanceof GoSlice) return '[' + v.items.map((i) => formatValue(i, depth + 1)).join(' ') + ']';
  if (v instanceof GoStruct) return '{' + [...v.fields.values()].map((f) => formatValue(f, depth + 1)).join(' ') + '}';
  if (v instanceof GoPointer) {
    if (v.target === null) return '<nil>';
    if (v.target instanceof GoTime) return formatGoTime(v.target.ms);
    // Go prints a nested pointer as its address; no stable address exists here.
    return depth === 0 ? '&' + formatValue(v.target, depth + 1) : '0xc000000000';
  }
  return String(v);
}

function isStringKind(v: GoValue): boolean {
  return typeof v === 'string' || v instanceof GoNamedString;
}

/** fmt.Sprint: operands concatenated, with a space between two that are both non-strings. */
export function sprint(args: GoValue[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && !isStringKind(a) && !isStringKind(args[i - 1])) out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** fmt.Sprintln: operands separated by spaces, newline appended. */
export function sprintln(args: GoValue[]): string {
  return args.map((a) => formatValue(a)).join(' ') + '\n';
}

interface Spec { minus: boolean; plus: boolean; sharp: boolean; space: boolean; zero: boolean; width?: number; prec?: number }

function pad(s: string, spec: Spec, numeric: boolean): string {
  if (spec.width === undefined || s.length >= spec.width) return s;
  const n = spec.width - s.length;
  if (spec.minus) return s + ' '.repeat(n);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s[0] : '';
    return sign + '0'.repeat(n) + s.slice(sign.length);
  }
  return ' '.repeat(n) + s;
}

function badVerb(verb: string, v: GoValue): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${formatValue(v)})`;
}

function signed(s: string, neg: boolean, spec: Spec): string {
  if (neg) return '-' + s;
  if (spec.plus) return '+' + s;
  if (spec.space) return ' ' + s;
  return s;
}

function fmtInteger(v: bigint, verb: string, spec: Spec): string | undefined {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let digits: string;
  switch (verb) {
    case 'd': case 'v': digits = abs.toString(10); break;
    case 'x': digits = abs.toString(16); if (spec.sharp) digits = '0x' + digits; break;
    case 'X': digits = abs.toString(16).toUpperCase(); if (spec.sharp) digits = '0X' + digits; break;
    case 'o': digits = abs.toString(8); if (spec.sharp) digits = '0' + digits; break;
    case 'O': digits = '0o' + abs.toString(8); break;
    case 'b': digits = abs.toString(2); break;
    case 'c': return pad(String.fromCodePoint(Number(v)), spec, false);
    case 'q': return pad(quoteRune(Number(v)), spec, false);
    case 'U': return pad('U+' + abs.toString(16).toUpperCase().padStart(4, '0'), spec, false);
    default: return undefined;
  }
  if (spec.prec !== undefined) digits = digits.padStart(spec.prec, '0');
  return pad(signed(digits, neg, spec), spec, spec.prec === undefined);
}

function fmtFloatVerb(v: number, verb: string, spec: Spec): string | undefined {
  let s: string;
  switch (verb) {
    case 'v': case 'g': s = formatFloat(v, 'g', spec.prec ?? -1); break;
    case 'G': s = formatFloat(v, 'G', spec.prec ?? -1); break;
    case 'e': s = formatFloat(v, 'e', spec.prec ?? 6); break;
    case 'E': s = formatFloat(v, 'E', spec.prec ?? 6); break;
    case 'f': case 'F': s = formatFloat(v, 'f', spec.prec ?? 6); break;
    default: return undefined;
  }
  if (s === '+Inf' || s === '-Inf' || s === 'NaN') {
    // Go always signs infinities ("+Inf"); a space flag replaces the plus.
    if (s === '+Inf' && spec.space && !spec.plus) s = ' Inf';
    if (s === 'NaN' && spec.plus) s = '+NaN';
    // Go never zero-pads infinities or NaN.
    return pad(s, { ...spec, zero: false }, false);
  }
  if (s[0] !== '-') s = signed(s, false, spec);
  return pad(s, spec, true);
}

function fmtString(s: string, verb: string, spec: Spec): string | undefined {
  switch (verb) {
    case 'v': case 's': return pad(spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s, spec, false);
    case 'q': return pad(goQuote(s), spec, false);
    case 'x': case 'X': {
      let hex = Buffer.from(s, 'utf8').toString('hex');
      if (verb === 'X') hex = hex.toUpperCase();
      return pad(hex, spec, false);
    }
    default: return undefined;
  }
}

function fmtArg(v: GoValue, verb: string, spec: Spec, depth = 0): string {
  if (v === null || v === undefined) {
    return verb === 'v' ? pad('<nil>', spec, false) : badVerb(verb, v);
  }
  switch (typeof v) {
    case 'string': return fmtString(v, verb, spec) ?? badVerb(verb, v);
    case 'number': return fmtFloatVerb(v, verb, spec) ?? badVerb(verb, v);
    case 'bigint': return fmtInteger(v, verb, spec) ?? badVerb(verb, v);
    case 'boolean': return verb === 't' || verb === 'v' ? pad(String(v), spec, false) : badVerb(verb, v);
  }
  if (v instanceof GoNamedString) return fmtString(v.value, verb, spec) ?? badVerb(verb, v);
  if (v instanceof GoTime || (v instanceof GoPointer && v.target instanceof GoTime)) {
    // time.Time is a fmt.Stringer: %v %s %q use String().
    const s = formatValue(v);
    return fmtString(s, verb, spec) ?? badVerb(verb, v);
  }
  if (v instanceof GoSlice) return '[' + v.items.map((i) => fmtArg(i, verb, spec, depth + 1)).join(' ') + ']';
  if (v instanceof GoMap) {
    const keys = [...v.entries.keys()].sort();
    return 'map[' + keys.map((k) => `${fmtArg(k, verb, spec, depth + 1)}:${fmtArg(v.entries.get(k), verb, spec, depth + 1)}`).join(' ') + ']';
  }
  if (v instanceof GoStruct) return '{' + [...v.fields.values()].map((f) => fmtArg(f, verb, spec, depth + 1)).join(' ') + '}';
  if (v instanceof GoPointer) {
    if (depth === 0 && v.target) return '&' + fmtArg(v.target, verb, spec, depth + 1);
    return formatValue(v, depth);
  }
  return badVerb(verb, v);
}

/** fmt.Sprintf */
export function sprintf(format: string, args: GoValue[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  const n = format.length;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) { out += format.slice(i); break; }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < n; i++) {
      const c = format[i];
      if (c === '-') { spec.minus = true; spec.zero = false; } else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    const readNum = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        if (typeof a === 'bigint') return Number(a);
        out += '%!(BADWIDTH)';
        return undefined;
      }
      const start = i;
      while (i < n && format[i] >= '0' && format[i] <= '9') i++;
      return i > start ? Number(format.slice(start, i)) : undefined;
    };
    spec.width = readNum();
    if (spec.width !== undefined && spec.width < 0) { spec.minus = true; spec.width = -spec.width; }
    if (format[i] === '.') {
      i++;
      spec.prec = readNum() ?? 0;
    }
    if (i >= n) { out += '%!(NOVERB)'; break; }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') { out += '%'; continue; }
    if (argi >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    out += fmtArg(args[argi++], verb, spec);
  }
  if (argi < args.length) {
    out += '%!(EXTRA ' + args.slice(argi).map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`)).join(', ') + ')';
  }
  return out;
}
