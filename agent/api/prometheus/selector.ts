/**
 * match[] parameters (series selectors such as `up{job="api"}` or
 * `{__name__=~"http_.*"}`) parsed with the Prometheus project's lezer
 * grammar into store LabelMatchers, with Prometheus' rules: only a plain
 * vector selector is allowed, and at least one matcher must not match the
 * empty string.
 */
import type { LRParser } from '@lezer/lr' with { 'resolution-mode': 'require' };
import type { SyntaxNode } from '@lezer/common' with { 'resolution-mode': 'require' };
import { unquote } from '../../promql/strings';
import type { LabelMatcher, MatchType } from '../../store/types';
import { anchoredRegex } from '../../store/regex';

// The package ships a CommonJS build, but its typings are ESM-only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: LRParser };

function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = 1 + (before.match(/\n/g)?.length ?? 0);
  return `${line}:${offset - (before.lastIndexOf('\n') + 1) + 1}`;
}

function parseError(text: string, offset: number, what: string): Error {
  return new Error(`${position(text, offset)}: parse error: ${what}`);
}

function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.type) {
    case '=': return m.value === '';
    case '!=': return m.value !== '';
    case '=~': return anchoredRegex(m.value).test('');
    case '!~': return !anchoredRegex(m.value).test('');
    default: return false;
  }
}

/** Parses one series selector; throws Error with a Prometheus-style message. */
export function parseSeriesSelector(text: string): LabelMatcher[] {
  if (text.trim() === '') throw new Error('1:1: parse error: no expression found in input');
  const tree = parser.parse(text);
  let error: number | undefined;
  tree.iterate({ enter: (n) => { if (error === undefined && n.type.isError) error = n.from; return error === undefined; } });
  if (error !== undefined) throw parseError(text, error, `unexpected ${JSON.stringify(text.slice(error, error + 1) || 'end of input')}`);
  const top = tree.topNode.firstChild;
  if (!top || top.name !== 'VectorSelector' || top.nextSibling) {
    const got = top?.name === 'MatrixSelector' ? 'range vector selector' : 'expression';
    throw parseError(text, top?.from ?? 0, `expected a series selector (e.g. up{job="api"}), got a ${got}`);
  }
  const matchers: LabelMatcher[] = [];
  for (let child: SyntaxNode | null = top.firstChild; child; child = child.nextSibling) {
    if (child.name === 'Identifier') matchers.push({ name: '__name__', type: '=', value: text.slice(child.from, child.to) });
    else if (child.name === 'LabelMatchers') readMatchers(text, child, matchers);
    else throw parseError(text, child.from, `unexpected ${child.name} in a series selector`);
  }
  for (const m of matchers) {
    if (m.type === '=~' || m.type === '!~') {
      try {
        anchoredRegex(m.value);
      } catch (err) {
        throw new Error(`invalid regular expression in matcher ${m.name}${m.type}${JSON.stringify(m.value)}: ${(err as Error).message}`);
      }
    }
  }
  if (matchers.every(matchesEmpty)) {
    throw new Error('vector selector must contain at least one non-empty matcher');
  }
  return matchers;
}

function str(text: string, node: SyntaxNode): string {
  try {
    return unquote(text.slice(node.from, node.to));
  } catch (err) {
    throw parseError(text, node.from, (err as Error).message);
  }
}

function readMatchers(text: string, list: SyntaxNode, out: LabelMatcher[]): void {
  for (let m: SyntaxNode | null = list.firstChild; m; m = m.nextSibling) {
    if (m.name === 'QuotedLabelName') {
      // {"metric.name"}: a quoted metric name on its own (UTF-8 selector syntax).
      const lit = m.getChild('StringLiteral');
      if (lit) out.push({ name: '__name__', type: '=', value: str(text, lit) });
      continue;
    }
    if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') continue;
    let name = '';
    let op: MatchType | undefined;
    let value: string | undefined;
    for (let c: SyntaxNode | null = m.firstChild; c; c = c.nextSibling) {
      if (c.name === 'LabelName') name = text.slice(c.from, c.to);
      else if (c.name === 'QuotedLabelName') {
        const lit = c.getChild('StringLiteral');
        name = lit ? str(text, lit) : '';
      } else if (c.name === 'MatchOp') op = text.slice(c.from, c.to) as MatchType;
      else if (c.name === 'StringLiteral') value = str(text, c);
    }
    if (!name || !op || value === undefined) throw parseError(text, m.from, 'incomplete label matcher');
    out.push({ name, type: op, value });
  }
}
