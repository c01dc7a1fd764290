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
import type { LRParser } from '@lezer/lr' with { 'resolution-mode': 'require' };
import type { Labels } from '../../store/types';
import { goUnquote } from '../../templates/parse';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: LRParser };

export type SeriesValue = { kind: 'value'; value: number } | { kind: 'missing' } | { kind: 'stale' };

export class SeriesParseError extends Error {}

/** Parses a series description selector ('metric{a="b"}') into labels; only '=' matchers. */
export function parseSeriesSelector(text: string): Labels {
  const tree = parser.parse(text);
  const labels: Labels = {};
  let error: string | undefined;
  let sawSelector = false;
  let pendingName: string | undefined;
  let pendingOp: string | undefined;
  tree.iterate({
    enter: (n) => {
      if (error) return false;
      const slice = text.slice(n.from, n.to);
      if (n.type.isError) { error = `unexpected ${n.from >= text.length ? 'end of input' : JSON.stringify(slice || text[n.from])}`; return false; }
      switch (n.name) {
        case 'PromQL': return true;
        case 'VectorSelector': sawSelector = true; return true;
        case 'Identifier': if (n.node.parent?.name === 'VectorSelector') labels.__name__ = slice; return false;
        case 'LabelMatchers': return true;
        case 'UnquotedLabelMatcher': case 'QuotedLabelMatcher': pendingName = undefined; pendingOp = undefined; return true;
        case 'QuotedLabelName':
          if (n.node.parent?.name === 'LabelMatchers') { labels.__name__ = goUnquote(slice); return false; }
          pendingName = goUnquote(slice);
          return false;
        case 'LabelName': pendingName = slice; return false;
        case 'MatchOp': pendingOp = slice; return false;
        case 'StringLiteral':
          if (pendingOp !== '=') { error = `only equality matchers are allowed in a series description, got ${JSON.stringify(pendingOp)}`; return false; }
          labels[pendingName!] = goUnquote(slice);
          return false;
        default:
          if (n.node.parent?.name === 'PromQL' || n.node.parent === null) error = `expected a series selector such as metric{label="value"}, got ${JSON.stringify(text)}`;
          return !error;
      }
    },
  });
  if (!error && !sawSelector) error = `expected a series selector such as metric{label="value"}, got ${JSON.stringify(text)}`;
  if (error) throw new SeriesParseError(error);
  return labels;
}

const NUM = '[+-]?(?:inf|nan|0x[0-9a-f]+|(?:\\d+\\.?\\d*|\\.\\d+)(?:e[+-]?\\d+)?)';
const UNSIGNED = '(?:inf|nan|0x[0-9a-f]+|(?:\\d+\\.?\\d*|\\.\\d+)(?:e[+-]?\\d+)?)';
const NUMBER = new RegExp(`^${NUM}$`, 'i');
const FINITE = '[+-]?(?:0x[0-9a-f]+|(?:\\d+\\.?\\d*|\\.\\d+)(?:e[+-]?\\d+)?)';
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
