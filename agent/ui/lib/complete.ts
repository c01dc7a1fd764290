/**
 * PromQL autocompletion for the query box: what kind of name the cursor is
 * on (a metric or function, or a label name inside `{...}` or `by (...)`),
 * and the candidates that fit what was typed. Names come from
 * /api/v1/label/__name__/values and /api/v1/labels.
 */

export type CompletionKind = 'metric' | 'label' | 'value' | 'none';

export interface CompletionContext {
  kind: CompletionKind;
  /** The partial name before the cursor. */
  prefix: string;
  /** Where the partial name starts and ends (replaced on accept). */
  from: number;
  to: number;
  /** For 'value': the label whose values fit (`{service_name="de|`). */
  label?: string;
  /** For 'value': the string has no closing quote yet (accepting adds it). */
  unclosed?: boolean;
}

const NAME_CHAR = /[a-zA-Z0-9_:]/;
const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\($/;
/** A matcher's opened value string at the end of the text: label name, operator, the value so far. */
const OPEN_VALUE = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)$/;

/** Strips string literals (keeping length) so quotes and braces inside them do not count. */
function blankStrings(text: string): { text: string; inString: boolean } {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') { out += '  '; i++; continue; }
      if (c === quote) quote = undefined;
      out += ' ';
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
      out += ' ';
    } else {
      out += c;
    }
  }
  return { text: out, inString: quote !== undefined };
}

export function completionContext(text: string, cursor: number): CompletionContext {
  const before = text.slice(0, cursor);
  const { text: bare, inString } = blankStrings(before);
  let from = cursor;
  while (from > 0 && NAME_CHAR.test(before[from - 1])) from--;
  let to = cursor;
  while (to < text.length && NAME_CHAR.test(text[to])) to++;
  const prefix = before.slice(from);
  const none: CompletionContext = { kind: 'none', prefix, from, to };
  if (inString) {
    const v = OPEN_VALUE.exec(before);
    const quote = v ? cursor - v[2].length - 1 : -1;
    const head = bare.slice(0, quote);
    if (!v || head.lastIndexOf('{') <= head.lastIndexOf('}')) return none;
    const close = text.indexOf('"', cursor);
    return { kind: 'value', label: v[1], prefix: v[2], from: quote + 1, to: close >= 0 ? close : cursor, unclosed: close < 0 };
  }
  if (/^\d/.test(prefix) || before[from - 1] === '.') return none; // a number such as 0.5
  const head = bare.slice(0, from);
  // Inside a selector's braces: a label name unless right after an operator (then a value, not offered).
  const open = head.lastIndexOf('{');
  if (open > head.lastIndexOf('}')) {
    const inBraces = head.slice(open + 1);
    return /(^|,)\s*$/.test(inBraces) ? { kind: 'label', prefix, from, to } : none;
  }
  // Inside by (...), without (...), on (...), ... : label names.
  const paren = head.lastIndexOf('(');
  if (paren > head.lastIndexOf(')') && GROUPING.test(head.slice(0, paren + 1)) && /(^|,)\s*$/.test(head.slice(paren + 1))) {
    return { kind: 'label', prefix, from, to };
  }
  if (/\[[^\]]*$/.test(head)) return none; // a range or subquery duration
  return { kind: 'metric', prefix, from, to };
}

/**
 * Candidates that fit the prefix: names starting with it first (shortest
 * first), then names containing it; case-insensitive; at most `limit`.
 * An empty prefix offers nothing (the list would be the whole index).
 */
export function filterCandidates(candidates: readonly string[], prefix: string, limit = 20, offerAllWhenEmpty = false): string[] {
  if (prefix === '') return offerAllWhenEmpty ? [...new Set(candidates)].sort().slice(0, limit) : [];
  const p = prefix.toLowerCase();
  const starts: string[] = [];
  const contains: string[] = [];
  for (const c of new Set(candidates)) {
    const l = c.toLowerCase();
    if (l === p) continue;
    if (l.startsWith(p)) starts.push(c);
    else if (l.includes(p)) contains.push(c);
  }
  const byLength = (a: string, b: string) => a.length - b.length || a.localeCompare(b);
  return [...starts.sort(byLength), ...contains.sort(byLength)].slice(0, limit);
}

/** Replaces the partial name with the choice; functions get their "(" and the cursor lands inside. */
export function applyCompletion(text: string, ctx: CompletionContext, choice: string, isFunction = false): { text: string; cursor: number } {
  if (ctx.kind === 'value') {
    // A label value goes inside the quotes, escaped; the cursor lands after the closing quote.
    const escaped = JSON.stringify(choice).slice(1, -1);
    const insert = ctx.unclosed ? `${escaped}"` : escaped;
    return { text: text.slice(0, ctx.from) + insert + text.slice(ctx.to), cursor: ctx.from + insert.length + (ctx.unclosed ? 0 : 1) };
  }
  const insert = isFunction && text[ctx.to] !== '(' ? `${choice}(` : choice;
  return { text: text.slice(0, ctx.from) + insert + text.slice(ctx.to), cursor: ctx.from + insert.length };
}

/** PromQL's functions and aggregation operators, offered next to metric names. */
export const PROMQL_FUNCTIONS = [
  'abs', 'absent', 'absent_over_time', 'avg', 'avg_over_time', 'bottomk', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min',
  'count', 'count_over_time', 'count_values', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'delta', 'deriv',
  'exp', 'floor', 'group', 'histogram_quantile', 'holt_winters', 'hour', 'idelta', 'increase', 'irate', 'label_join',
  'label_replace', 'last_over_time', 'ln', 'log10', 'log2', 'max', 'max_over_time', 'min', 'min_over_time', 'minute', 'month',
  'predict_linear', 'present_over_time', 'quantile', 'quantile_over_time', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sort',
  'sort_desc', 'sqrt', 'stddev', 'stddev_over_time', 'stdvar', 'stdvar_over_time', 'sum', 'sum_over_time', 'time', 'timestamp',
  'topk', 'vector', 'year',
];
