/**
 * Regex errors worded as Go's regexp package words them, because the
 * messages reach users of PromQL, alertmanager.yml and templates who know
 * Prometheus' and Alertmanager's: `error parsing regexp: <code>: \`<expr>\``.
 */
import { RE2JSSyntaxException } from 're2js';

/** An invalid pattern; `message` is Go's regexp/syntax Error text. */
export class RegexSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegexSyntaxError';
  }
}

/** Go's syntax.Error.Error(): the code and the offending part of the expression, always back-quoted. */
export function toRegexSyntaxError(err: unknown, expr: string): RegexSyntaxError {
  if (err instanceof RE2JSSyntaxException) {
    return new RegexSyntaxError(`error parsing regexp: ${err.getDescription()}: \`${err.getPattern() ?? ''}\``);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('error parsing regexp: ')) return new RegexSyntaxError(message);
  // Compile-stage refusals (program too large): Go reports them as parse errors on the whole expression.
  return new RegexSyntaxError(`error parsing regexp: ${message}: \`${expr}\``);
}

