/**
 * Label matchers in Alertmanager's syntax: `severity="critical"`, `a=~"x|y"`,
 * `b!=c`, `{a="1", b!~"2"}`. Regexes are fully anchored, as in Alertmanager
 * and Prometheus (`^(?:re)$`), so `a=~"x|y"` never matches "xy"; they are
 * RE2 (agent/regex), so a silence's regex costs linear time per alert.
 */
import { anchoredRegex, compileRegex } from '../regex';

/** The RE2 matcher regex (agent/regex), for config validation and API filters. */
export { anchoredRegex };

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  type: MatchType;
  value: string;
}

const LABEL_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/**
 * Alertmanager's own matcher pattern (pkg/labels/parse.go), run on RE2 as
 * there: linear in the input, whereas `\s*(.*?)\s*$` backtracks
 * quadratically in JavaScript on a long run of spaces in a ?filter= value.
 */
const MATCHER = compileRegex('^\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(=~|=|!=|!~)\\s*((?s).*?)\\s*$');

export function newMatcher(name: string, type: MatchType, value: string): Matcher {
  if (!LABEL_NAME.test(name)) throw new Error(`invalid label name ${JSON.stringify(name)}`);
  if (type === '=~' || type === '!~') anchoredRegex(value);
  return { name, type, value };
}

export function matchValue(m: Matcher, value: string): boolean {
  switch (m.type) {
    case '=': return value === m.value;
    case '!=': return value !== m.value;
    case '=~': return anchoredRegex(m.value).test(value);
    case '!~': return !anchoredRegex(m.value).test(value);
  }
}

/** A missing label matches as the empty string (Prometheus semantics). */
export function matches(m: Matcher, labels: Record<string, string>): boolean {
  return matchValue(m, labels[m.name] ?? '');
}

export function matchesAll(ms: readonly Matcher[], labels: Record<string, string>): boolean {
  return ms.every((m) => matches(m, labels));
}

function unquote(raw: string, input: string): string {
  if (!raw.startsWith('"')) {
    if (/[",{}]/.test(raw)) throw new Error(`invalid matcher ${JSON.stringify(input)}: unquoted value contains a quote, comma or brace; quote the value`);
    return raw;
  }
  if (raw.length < 2 || !raw.endsWith('"')) throw new Error(`invalid matcher ${JSON.stringify(input)}: unterminated quoted value`);
  try {
    return JSON.parse(raw) as string;
  } catch {
    throw new Error(`invalid matcher ${JSON.stringify(input)}: bad escape in quoted value`);
  }
}

/** Splits on commas outside double quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuote && c === '\\') { cur += c + (text[i + 1] ?? ''); i++; continue; }
    if (c === '"') inQuote = !inQuote;
    if (c === ',' && !inQuote) { parts.push(cur); cur = ''; continue; }
    cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * Parses one matcher string as written in alertmanager.yml's `matchers:` list.
 * A `{...}` group or a comma-separated list yields several matchers.
 */
export function parseMatchers(input: string): Matcher[] {
  let text = input.trim();
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw new Error(`invalid matcher ${JSON.stringify(input)}: missing closing "}"`);
    text = text.slice(1, -1);
  }
  const out: Matcher[] = [];
  for (const part of splitTopLevel(text)) {
    const m = MATCHER.exec(part);
    if (!m) throw new Error(`invalid matcher ${JSON.stringify(part)}: expected name, operator (=, !=, =~, !~) and value, e.g. severity="critical"`);
    // All three groups take part in every match of this pattern.
    out.push(newMatcher(m[1]!, m[2] as MatchType, unquote(m[3]!, part)));
  }
  if (out.length === 0) throw new Error(`invalid matcher ${JSON.stringify(input)}: empty`);
  return out;
}

/** Prints a matcher back in Alertmanager syntax (used in route keys). */
export function matcherString(m: Matcher): string {
  return `${m.name}${m.type}${JSON.stringify(m.value)}`;
}
