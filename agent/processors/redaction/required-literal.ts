/**
 * A literal every match of a user's RE2 pattern must contain (blocked_values),
 * read conservatively from the pattern's source, for the raw pre-scan: when
 * the buffer lacks it, the pattern matches no string in it.
 *
 * Only the top level of a pattern without `|` is read, as a concatenation:
 * runs of plain ASCII characters (and escaped punctuation) count, anything
 * else (classes, groups, `.`, anchors, other escapes) ends a run, and a
 * character made optional by `?`, `*` or `{0,...}` is dropped. Whatever is
 * not understood gives no literal (the pre-scan then always walks): a
 * case-insensitive flag (RE2 folds `k` with U+212A KELVIN SIGN, `s` with
 * U+017F), octal or `\Q` escapes, non-ASCII characters (U+FFFD also comes
 * from invalid bytes).
 */

const PUNCT_ESCAPE = /^[!-/:-@[-`{-~]$/;
const REPEAT = /^\{(\d+)(?:,(\d*))?\}/;

/** Index just past the class starting at `i` (`[`), or -1. */
function skipClass(src: string, i: number): number {
  let j = i + 1;
  if (src[j] === '^') j++;
  if (src[j] === ']') j++; // a leading `]` is a member
  while (j < src.length && src[j] !== ']') {
    if (src[j] === '\\') j += 2;
    else if (src.startsWith('[:', j)) {
      const close = src.indexOf(':]', j + 2);
      if (close < 0) return -1;
      j = close + 2;
    } else j++;
  }
  return j < src.length ? j + 1 : -1;
}

/** Index just past the group starting at `i` (`(`), or -1. */
function skipGroup(src: string, i: number): number {
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') j++;
    else if (c === '[') {
      const end = skipClass(src, j);
      if (end < 0) return -1;
      j = end - 1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return -1;
}

/** Whether `|` occurs outside groups and classes. */
function topLevelAlternation(src: string): boolean {
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '[') {
      const end = skipClass(src, i);
      if (end < 0) return true;
      i = end - 1;
    } else if (c === '(') {
      const end = skipGroup(src, i);
      if (end < 0) return true;
      i = end - 1;
    } else if (c === '|') return true;
  }
  return false;
}

/** The longest literal every match of `src` contains, or undefined when none can be read safely. */
export function requiredLiteral(src: string): string | undefined {
  if (/\(\?[a-zA-Z-]*i/.test(src) || topLevelAlternation(src)) return undefined;
  let best = '';
  let cur = '';
  const flush = () => {
    if (cur.length > best.length) best = cur;
    cur = '';
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    let literal: string | undefined;
    let next: number;
    if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined || e === 'Q' || /[0-9]/.test(e)) return undefined;
      if (PUNCT_ESCAPE.test(e)) {
        literal = e;
        next = i + 2;
      } else if ((e === 'p' || e === 'P' || e === 'x') && src[i + 2] === '{') {
        const close = src.indexOf('}', i + 3);
        if (close < 0) return undefined;
        next = close + 1;
      } else {
        next = i + 2 + (e === 'p' || e === 'P' ? 1 : e === 'x' ? 2 : 0);
      }
    } else if (c === '[') {
      next = skipClass(src, i);
    } else if (c === '(') {
      next = skipGroup(src, i);
    } else if (c === '.' || c === '^' || c === '$') {
      next = i + 1;
    } else if (c === '*' || c === '+' || c === '?' || c === '{' || c === ')' || c === ']' || c === '}' || c.charCodeAt(0) > 0x7e || c.charCodeAt(0) < 0x20) {
      // A quantifier with nothing before it, a stray bracket, a non-ASCII or control character: not read.
      return undefined;
    } else {
      literal = c;
      next = i + 1;
    }
    if (next < 0) return undefined;
    // A quantifier on this atom: `?`, `*`, `{0,..}` make it optional; `+`, `{n,..}` repeat it.
    const q = src[next];
    const repeat = q === '{' ? REPEAT.exec(src.slice(next)) : null;
    if (q === '{' && !repeat) return undefined; // RE2 reads a bad `{` literally; not worth following
    let optional = false;
    let repeated = false;
    if (q === '?' || q === '*') {
      optional = true;
      next++;
    } else if (q === '+') {
      repeated = true;
      next++;
    } else if (repeat) {
      optional = Number(repeat[1]) === 0;
      repeated = !optional;
      next += repeat[0].length;
    }
    if (src[next] === '?') next++; // non-greedy
    if (literal !== undefined && !optional) {
      cur += literal;
      if (repeated) flush();
    } else {
      flush();
    }
    i = next;
  }
  flush();
  return best.length > 0 ? best : undefined;
}
