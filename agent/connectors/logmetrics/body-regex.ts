/**
 * body_regex: a search (not anchored) in the log body's text, in Go's RE2
 * syntax as Prometheus users write it (`(?i)timeout`, `(?P<code>\d+)`),
 * linear in the body's length whatever the pattern.
 */
import { compileRegex, type GoRegexp } from '../../regex';

export type BodyRegex = GoRegexp;

/** Compiles a body_regex; throws RegexSyntaxError (`error parsing regexp: ...`). */
export function bodyRegex(re: string): BodyRegex {
  return compileRegex(re);
}
