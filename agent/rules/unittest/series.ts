/**
 * promtool's input_series: a series selector ('up{job="api"}') and values in
 * the expanding notation of Prometheus' test language:
 *   'a+bxn'  a, a+b, ... a+n*b (n+1 samples)      '-2+4x3' -> -2 2 6 10
 *   'a-bxn'  decrementing                          '1-2x4'  -> 1 -1 -3 -5 -7
 *   'axn'    a repeated n+1 times                  '1x3'    -> 1 1 1 1
 *   '_'      no sample at this step, '_xn' n steps without samples
 *   'stale'  a staleness marker
 * Sample i sits at i * interval from time 0.
 */
import type { Labels } from '../../store/types';
import { parseExpr } from '../../promql/parse';

export type SeriesValue = { kind: 'value'; value: number } | { kind: 'missing' } | { kind: 'stale' };

export class SeriesParseError extends Error {}

/** Parses a series description selector ('metric{a="b"}', '{a="b"}', '{}') into labels; only '=' matchers. */
export function parseSeriesSelector(text: string): Labels {
  if (/^\s*(\{\s*\})?\s*$/.test(text)) return {};
  let ast;
  try {
    ast = parseExpr(text);
  } catch (err) {
    throw new SeriesParseError((err as Error).message);
  }
  if (ast.kind !== 'vector' || ast.offset !== 0 || ast.at) {
    throw new SeriesParseError(`expected a series selector such as metric{label="value"}, got ${JSON.stringify(text)}`);
  }
  const labels: Labels = {};
  for (const m of ast.matchers) {
    if (m.type !== '=') throw new SeriesParseError(`only equality matchers are allowed in a series description, got ${JSON.stringify(m.type)}`);
    labels[m.name] = m.value;
  }
  return labels;
}

const NUM = '[+-]?(?:inf|nan|0x[0-9a-f]+|(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[+-]?\\d+)?)';
const UNSIGNED = '(?:inf|nan|0x[0-9a-f]+|(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[+-]?\\d+)?)';
const NUMBER = new RegExp(`^${NUM}$`, 'i');
const FINITE = '[+-]?(?:0x[0-9a-f]+|(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[+-]?\\d+)?)';
/** A finite start, then optionally an operator and a step, then x and a count ("NaNx3" is an error, as in Prometheus). */
const EXPANDING = new RegExp(`^(${FINITE})(?:([+-])(${UNSIGNED}))?x(\\d+)$`, 'i');

function parseNumber(s: string): number | undefined {
  if (!NUMBER.test(s)) return undefined;
  const lower = s.toLowerCase().replace(/^\+/, '');
  if (lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower.endsWith('nan')) return NaN;
  if (/^-?0x/.test(lower)) return lower.startsWith('-') ? -parseInt(lower.slice(3), 16) : parseInt(lower.slice(2), 16);
  return Number(s);
}

/** Expands a values string; throws SeriesParseError naming the offending item. */
export function expandSeriesValues(text: string): SeriesValue[] {
  const out: SeriesValue[] = [];
  for (const item of text.trim().split(/\s+/).filter(Boolean)) {
    const fail = (): never => {
      throw new SeriesParseError(`unexpected ${JSON.stringify(item)} in series values, expected number, "_", "stale" or a+bxn`);
    };
    if (item === '_') { out.push({ kind: 'missing' }); continue; }
    if (item === 'stale') { out.push({ kind: 'stale' }); continue; }
    let m = /^_x(\d+)$/.exec(item);
    if (m) {
      for (let i = 0; i < Number(m[1]); i++) out.push({ kind: 'missing' });
      continue;
    }
    // a+bxn, a-bxn or axn
    m = EXPANDING.exec(item);
    if (m) {
      const first = parseNumber(m[1])!;
      const step = m[2] ? (m[2] === '-' ? -parseNumber(m[3])! : parseNumber(m[3])!) : 0;
      const n = Number(m[4]);
      for (let k = 0; k <= n; k++) out.push({ kind: 'value', value: first + k * step });
      continue;
    }
    const v = parseNumber(item);
    if (v === undefined) fail();
    out.push({ kind: 'value', value: v! });
  }
  return out;
}
