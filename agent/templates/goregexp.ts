/**
 * Go (RE2) regular expressions on JavaScript's engine, for the template
 * functions match and reReplaceAll: translates the RE2 syntax users write
 * (named groups (?P<n>...), leading (?i)/(?s)/(?m) flags, \A \z \Q..\E,
 * [[:alpha:]] classes) and implements Go's ReplaceAllString semantics
 * ($1 / ${1} / $name expansion, empty matches after a match skipped).
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

export class GoRegexpError extends Error {}

/** Go's regexp error quoting: `expr` when it can be back-quoted, else a Go string literal. */
export function goBackquote(s: string): string {
  return /^[^`\x00-\x08\x0a-\x1f\x7f]*$/.test(s) ? '`' + s + '`' : JSON.stringify(s);
}

/** Go's RE2 error codes for JavaScript's syntax errors (the common ones). */
const JS_TO_GO_ERRORS: [RegExp, string][] = [
  [/Unterminated group/, 'missing closing )'],
  [/Unmatched '\)'/, 'unexpected )'],
  [/Nothing to repeat/, 'missing argument to repetition operator'],
  [/Unterminated character class|Missing \]/, 'missing closing ]'],
  [/Range out of order/, 'invalid character class range'],
  [/Invalid escape|\\ at end of pattern/, 'invalid escape sequence'],
  [/Invalid capture group name|Invalid named/, 'invalid named capture'],
  [/numbers out of order/, 'invalid repeat count'],
];

function goSyntaxError(jsMessage: string, pattern: string): GoRegexpError {
  const code = JS_TO_GO_ERRORS.find(([re]) => re.test(jsMessage))?.[1] ?? jsMessage.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
  return new GoRegexpError(`error parsing regexp: ${code}: ${goBackquote(pattern)}`);
}

/** Compiles a Go regexp; throws GoRegexpError with Go-like wording on invalid syntax. */
export function compileGoRegexp(pattern: string, extraFlags = ''): RegExp {
  let src = pattern;
  let flags = '';
  // Leading flag groups such as (?i) or (?is).
  for (;;) {
    const m = /^\(\?([imsU]+)\)/.exec(src);
    if (!m) break;
    for (const f of m[1]) if (f !== 'U' && !flags.includes(f)) flags += f;
    src = src.slice(m[0].length);
  }
  let out = '';
  let inClass = false;
  let needUnicode = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined) throw new GoRegexpError(`error parsing regexp: trailing backslash at end of expression: \`\``);
      if (!inClass && e === 'A') { out += '^'; i++; continue; }
      if (!inClass && e === 'z') { out += '$(?![\\s\\S])'; i++; continue; }
      if (e === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (e === 'p' || e === 'P') {
        needUnicode = true;
        if (src[i + 2] === '{') {
          const end = src.indexOf('}', i + 3);
          out += `\\${e}{${src.slice(i + 3, end)}}`;
          i = end;
        } else {
          out += `\\${e}{${src[i + 2]}}`;
          i += 2;
        }
        continue;
      }
      out += c + e;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        if (end > 0) {
          let name = src.slice(i + 2, end);
          const negated = name.startsWith('^');
          if (negated) name = name.slice(1);
          const cls = POSIX_CLASSES[name];
          if (!cls) throw new GoRegexpError(`error parsing regexp: invalid character class range: \`[:${name}:]\``);
          if (negated) throw new GoRegexpError(`negated POSIX classes are not supported: \`[:^${name}:]\``);
          out += cls;
          i = end + 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      if (c === '[') { out += '\\['; continue; }
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal in RE2.
      if (src[i + 1] === '^') { out += '^'; i++; }
      if (src[i + 1] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '(' && src.startsWith('(?P<', i)) { out += '(?<'; i += 3; continue; }
    if (c === '(' && src[i + 1] === '?' && /^\(\?[imsU-]+[:)]/.test(src.slice(i))) {
      throw new GoRegexpError(`inline flag groups are only supported at the start of the expression: \`${pattern}\``);
    }
    out += c;
  }
  if (needUnicode) flags += 'u';
  try {
    return new RegExp(out, flags + extraFlags);
  } catch (err) {
    throw goSyntaxError((err as Error).message, pattern);
  }
}

/** regexp.MatchString(pattern, s): unanchored. */
export function goMatch(pattern: string, s: string): boolean {
  return compileGoRegexp(pattern).test(s);
}

/** Go's Regexp.Expand of a replacement template for one match. */
function expandReplacement(repl: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i];
    if (c !== '$' || i + 1 >= repl.length) { out += c; continue; }
    if (repl[i + 1] === '$') { out += '$'; i++; continue; }
    let name: string;
    let end: number;
    if (repl[i + 1] === '{') {
      const close = repl.indexOf('}', i + 2);
      name = close < 0 ? '' : repl.slice(i + 2, close);
      if (!/^[A-Za-z0-9_]+$/.test(name)) { out += c; continue; }
      end = close;
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(repl.slice(i + 1));
      if (!mm) { out += c; continue; }
      name = mm[0];
      end = i + name.length;
    }
    if (/^[0-9]+$/.test(name)) {
      const n = Number(name);
      out += n < m.length ? (m[n] ?? '') : '';
    } else {
      out += m.groups?.[name] ?? '';
    }
    i = end;
  }
  return out;
}

/** Regexp.ReplaceAllString(src, repl). */
export function goReplaceAll(pattern: string, repl: string, src: string): string {
  const re = compileGoRegexp(pattern, 'g');
  let out = '';
  let last = 0;
  let lastMatchEnd = -1;
  re.lastIndex = 0;
  for (;;) {
    const m = re.exec(src);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0) {
      // Go ignores an empty match directly after the previous match.
      if (start === lastMatchEnd) {
        re.lastIndex = start + (src.codePointAt(start)! > 0xffff ? 2 : 1);
        if (re.lastIndex > src.length) break;
        continue;
      }
      re.lastIndex = start + (start < src.length && src.codePointAt(start)! > 0xffff ? 2 : 1);
    }
    out += src.slice(last, start) + expandReplacement(repl, m);
    last = end;
    lastMatchEnd = end;
    if (start >= src.length) break;
  }
  return out + src.slice(last);
}
