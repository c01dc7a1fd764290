/**
 * The functions Prometheus adds to alert and console templates (query,
 * first, label, value, strvalue, sortByLabel, args, humanize*, toTime,
 * reReplaceAll, match, title, toUpper, toLower, safeHtml, graphLink,
 * tableLink, externalURL, pathPrefix, stripPort, stripDomain, parseDuration),
 * with Prometheus' types and error messages.
 */
import type { VectorSample } from '../promql/types';
import { parseDuration as parsePromDuration } from '../config/duration';
import { fn, FuncError, type FuncMap } from './funcs';
import { queryEscape } from './builtins';
import { goQuote } from '../format/goquote';
import { matchString, replaceAllString } from '../regex';
import {
  floatToTimeMs, humanize, humanize1024, humanizeDuration, humanizePercentage, humanizeTimestamp,
} from './humanize';
import {
  GoMap, GoNamedString, GoPointer, GoSlice, GoStruct, GoTime, goTypeName, stringMap, type GoValue,
} from './values';

export const SAMPLE_TYPE = '*template.sample';
export const QUERY_RESULT_TYPE = 'template.queryResult';

/** Runs PromQL at the template's evaluation time; throws on a bad query. */
export type TemplateQuery = (expr: string) => VectorSample[];

export function makeSample(s: VectorSample): GoPointer {
  return new GoPointer(SAMPLE_TYPE, new GoStruct('template.sample', new Map<string, GoValue>([
    ['Labels', stringMap(s.metric)],
    ['Value', s.value],
  ])));
}

export function queryResult(samples: GoPointer[]): GoSlice {
  return new GoSlice(QUERY_RESULT_TYPE, samples, SAMPLE_TYPE);
}

/**
 * Go regexp's quote(), naming the pattern in MustCompile's panic: back-quoted
 * when strconv.CanBackquote allows (no back-quote, no control character but
 * tab, no BOM), else strconv.Quote.
 */
function regexpQuote(s: string): string {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '`' || c === 0x7f || c === 0xfeff || (c < 0x20 && c !== 0x09)) return goQuote(s);
  }
  return '`' + s + '`';
}

function sampleStruct(p: GoValue): GoStruct {
  if (!(p instanceof GoPointer) || !(p.target instanceof GoStruct)) {
    throw new FuncError('invalid memory address or nil pointer dereference');
  }
  return p.target;
}

function sampleLabel(p: GoValue, name: string): string {
  const labels = sampleStruct(p).fields.get('Labels') as GoMap;
  const v = labels.entries.get(name);
  return typeof v === 'string' ? v : '';
}

/** strconv.ParseFloat(s, 64) with Go's accepted spellings and error text. */
export function goParseFloat(s: string): number {
  const err = () => new FuncError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  const m = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (m) {
    if (m[2].toLowerCase() === 'nan') { if (m[1]) throw err(); return NaN; }
    return m[1] === '-' ? -Infinity : Infinity;
  }
  if (/^[+-]?((\d(_?\d)*)?\.?\d(_?\d)*|\d(_?\d)*\.)([eE][+-]?\d+)?$/.test(s)) {
    const v = Number(s.replace(/_/g, ''));
    if (!Number.isFinite(v)) throw new FuncError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`);
    return v;
  }
  if (/^[+-]?0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*[pP][+-]?\d+$/.test(s)) {
    const neg = s.startsWith('-');
    const body = s.replace(/^[+-]?0[xX]/, '');
    const [mant, exp] = body.split(/[pP]/);
    const [ip, fp = ''] = mant.split('.');
    const v = parseInt(ip || '0', 16) + (fp ? parseInt(fp, 16) / 16 ** fp.length : 0);
    const r = v * 2 ** Number(exp);
    return neg ? -r : r;
  }
  throw err();
}

/** Prometheus' convertToFloat. */
export function toFloat(v: GoValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return goParseFloat(v);
  if (typeof v === 'bigint') return Number(v);
  throw new FuncError(`can't convert ${goTypeName(v)} to float`);
}

/** strings.Title: upper-cases the first letter of every word. */
export function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  const isSeparator = (r: string) => {
    const c = r.codePointAt(0)!;
    if (c <= 0x7f) return !/[0-9a-zA-Z_]/.test(r);
    if (/[\p{L}\p{Nd}]/u.test(r)) return false;
    return /\s/u.test(r);
  };
  for (const r of s) {
    out += isSeparator(prev) ? upperRune(r) : r;
    prev = r;
  }
  return out;
}

function upperRune(r: string): string {
  const u = r.toUpperCase();
  return [...u].length === 1 ? u : r;
}
function lowerRune(r: string): string {
  const l = r.toLowerCase();
  return [...l].length === 1 ? l : r;
}

/** net.SplitHostPort's host, or the input when it has no port. */
function stripPort(hostPort: string): string {
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    if (end > 0 && hostPort[end + 1] === ':' && !hostPort.slice(end + 2).includes(':')) return hostPort.slice(1, end);
    return hostPort;
  }
  const i = hostPort.lastIndexOf(':');
  if (i < 0 || hostPort.indexOf(':') !== i) return hostPort;
  return hostPort.slice(0, i);
}

export interface PrometheusFuncOptions {
  query: TemplateQuery;
  externalURL: string;
}

export function prometheusFuncs(opts: PrometheusFuncOptions): FuncMap {
  let url: URL | undefined;
  try { url = opts.externalURL ? new URL(opts.externalURL) : undefined; } catch { url = undefined; }
  return {
    query: fn(['string'], (q: string) => {
      let samples: VectorSample[];
      try {
        samples = opts.query(q);
      } catch (err) {
        throw new FuncError((err as Error).message);
      }
      return queryResult(samples.map(makeSample));
    }),
    first: fn([QUERY_RESULT_TYPE], (v: GoSlice | null) => {
      if (v && v.items.length > 0) return v.items[0];
      throw new FuncError('first() called on vector with no elements');
    }),
    label: fn(['string', SAMPLE_TYPE], (name: string, s: GoValue) => sampleLabel(s, name)),
    value: fn([SAMPLE_TYPE], (s: GoValue) => sampleStruct(s).fields.get('Value') as number),
    strvalue: fn([SAMPLE_TYPE], (s: GoValue) => sampleLabel(s, '__value__')),
    args: fn([], (...a: GoValue[]) => new GoMap(
      // A missing key reads as the nil interface, which Go prints as "<no value>".
      'map[string]interface {}', new Map(a.map((v, i) => [`arg${i}`, v])), undefined,
    ), 'any'),
    reReplaceAll: fn(['string', 'string', 'string'], (pattern: string, repl: string, text: string) => {
      try { return replaceAllString(pattern, text, repl); } catch (err) { throw new FuncError(`regexp: Compile(${regexpQuote(pattern)}): ${(err as Error).message}`); }
    }),
    safeHtml: fn(['string'], (text: string) => new GoNamedString('template.HTML', text)),
    match: fn(['string', 'string'], (pattern: string, s: string) => {
      try { return matchString(pattern, s); } catch (err) { throw new FuncError((err as Error).message); }
    }),
    title: fn(['string'], goTitle),
    toUpper: fn(['string'], (s: string) => [...s].map(upperRune).join('')),
    toLower: fn(['string'], (s: string) => [...s].map(lowerRune).join('')),
    graphLink: fn(['string'], (expr: string) => `/graph?g0.expr=${queryEscape(expr)}&g0.tab=0`),
    tableLink: fn(['string'], (expr: string) => `/graph?g0.expr=${queryEscape(expr)}&g0.tab=1`),
    sortByLabel: fn(['string', QUERY_RESULT_TYPE], (name: string, v: GoSlice | null) => {
      if (!v) return queryResult([]);
      const sorted = [...v.items].sort((a, b) => {
        const la = sampleLabel(a, name);
        const lb = sampleLabel(b, name);
        return la < lb ? -1 : la > lb ? 1 : 0;
      });
      return new GoSlice(v.type, sorted, v.elemType);
    }),
    humanize: fn(['any'], (i: GoValue) => humanize(toFloat(i))),
    humanize1024: fn(['any'], (i: GoValue) => humanize1024(toFloat(i))),
    humanizeDuration: fn(['any'], (i: GoValue) => humanizeDuration(toFloat(i))),
    humanizePercentage: fn(['any'], (i: GoValue) => humanizePercentage(toFloat(i))),
    humanizeTimestamp: fn(['any'], (i: GoValue) => {
      try { return humanizeTimestamp(toFloat(i)); } catch (err) { throw new FuncError((err as Error).message); }
    }),
    toTime: fn(['any'], (i: GoValue) => {
      const v = toFloat(i);
      if (!Number.isFinite(v)) throw new FuncError(`${v} is not a valid timestamp`);
      try { return new GoPointer('*time.Time', new GoTime(floatToTimeMs(v))); } catch (err) { throw new FuncError((err as Error).message); }
    }),
    // Go's url.URL.Path: "" for "http://host", "/prefix" for "http://host/prefix".
    pathPrefix: fn([], () => (url && !(url.pathname === '/' && !/^[a-z]+:\/\/[^/]+\/$/i.test(opts.externalURL)) ? url.pathname : '')),
    externalURL: fn([], () => opts.externalURL),
    stripPort: fn(['string'], stripPort),
    stripDomain: fn(['string'], (hostPort: string) => {
      const host = stripPort(hostPort);
      if (/^[\d.]+$/.test(host) || host.includes(':')) return hostPort;
      const port = hostPort.slice(host.length);
      return host.split('.')[0] + port;
    }),
    parseDuration: fn(['string'], (d: string) => {
      try { return parsePromDuration(d) / 1000; } catch (err) { throw new FuncError((err as Error).message); }
    }),
  };
}
