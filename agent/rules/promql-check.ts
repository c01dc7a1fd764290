/**
 * Syntax check of a rule's PromQL expression at load time, with
 * Prometheus' message shape ("1:6: parse error: unexpected end of input"),
 * using the Prometheus project's own lezer grammar. Type errors (e.g. rate()
 * of an instant vector) surface at the first evaluation as the rule's
 * lastError, exactly as a query error would.
 */
import type { LRParser } from '@lezer/lr' with { 'resolution-mode': 'require' };

// The package ships a CommonJS build, but its typings are ESM-only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: LRParser };

function position(expr: string, offset: number): string {
  const before = expr.slice(0, offset);
  const line = 1 + (before.match(/\n/g)?.length ?? 0);
  const col = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `${line}:${col}`;
}

function describeToken(expr: string, from: number, to: number): string {
  if (from >= expr.trimEnd().length) return 'end of input';
  let text = expr.slice(from, Math.max(to, from + 1)).trim();
  if (!text) text = expr.slice(from).trim().split(/\s+/)[0] ?? '';
  if (/^[a-zA-Z_:][\w:]*$/.test(text)) return `identifier ${JSON.stringify(text)}`;
  if (/^\d/.test(text)) return `number ${JSON.stringify(text)}`;
  return JSON.stringify(text);
}

/** Returns Prometheus-style parse error text, or undefined when the expression parses. */
export function checkPromQLSyntax(expr: string): string | undefined {
  if (expr.trim() === '') return '1:1: parse error: no expression found in input';
  const tree = parser.parse(expr);
  let first: { from: number; to: number } | undefined;
  tree.iterate({
    enter: (n) => {
      if (!first && n.type.isError) first = { from: n.from, to: n.to };
      return !first;
    },
  });
  if (!first) return undefined;
  // An identifier directly followed by "(" that the grammar rejects is a call of an unknown function.
  const m = /([a-zA-Z_][\w]*)\s*$/.exec(expr.slice(0, first.from));
  if (m && expr[first.from] === '(') {
    const start = first.from - m[0].length;
    return `${position(expr, start)}: parse error: unknown function with name ${JSON.stringify(m[1])}`;
  }
  return `${position(expr, first.from)}: parse error: unexpected ${describeToken(expr, first.from, first.to)}`;
}
