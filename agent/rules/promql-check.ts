/**
 * Checks a rule's PromQL expression at load time with the engine's own
 * parser, which reports syntax and type errors in Prometheus' words
 * ("1:6: parse error: unexpected end of input", "expected type range vector
 * in call to function \"rate\", got instant vector"), as rulefmt does.
 */
import { parseExpr } from '../promql/parse';

/** Returns Prometheus-style parse error text, or undefined when the expression is valid. */
export function checkPromQLSyntax(expr: string): string | undefined {
  try {
    parseExpr(expr);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
