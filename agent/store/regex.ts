/**
 * Label matcher regexes as Prometheus applies them: RE2 syntax, fully
 * anchored (`^(?:re)$`). JavaScript's engine understands nearly all of what
 * users write in selectors; the few RE2-only spellings are translated
 * (leading `(?i)`/`(?s)` flag groups, `(?P<name>`, POSIX classes such as
 * `[[:digit:]]`, `\A`/`\z`), and compiled regexes are cached.
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 10_000;

/** Translates RE2-only syntax to JavaScript; throws a descriptive Error for what cannot be expressed. */
function translate(re: string): { source: string; flags: string } {
  let flags = '';
  let src = re;
  const flagGroup = /^\(\?([imsU]+)\)/.exec(src);
  if (flagGroup) {
    if (flagGroup[1].includes('U')) throw new Error(`error parsing regexp: the ungreedy flag (?U) is not supported: ${JSON.stringify(re)}`);
    if (flagGroup[1].includes('i')) flags += 'i';
    if (flagGroup[1].includes('s')) flags += 's';
    if (flagGroup[1].includes('m')) flags += 'm';
    src = src.slice(flagGroup[0].length);
  }
  src = src
    .replace(/\(\?P</g, '(?<')
    .replace(/\[:(\^?)([a-z]+):\]/g, (whole, neg: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      if (!cls) throw new Error(`error parsing regexp: invalid character class range: ${whole}`);
      if (neg) throw new Error(`error parsing regexp: negated POSIX classes are not supported: ${whole}`);
      return cls;
    })
    .replace(/(^|[^\\])\\A/g, '$1^')
    .replace(/(^|[^\\])\\z/g, '$1$');
  if (/(^|[^\\])\(\?(=|!|<=|<!)/.test(src)) {
    throw new Error(`error parsing regexp: invalid or unsupported Perl syntax (lookaround): ${JSON.stringify(re)}`);
  }
  return { source: src, flags };
}

/** The anchored RegExp for a matcher value; throws Error("error parsing regexp: ...") when invalid. */
export function anchoredRegex(re: string): RegExp {
  const hit = cache.get(re);
  if (hit) return hit;
  const { source, flags } = translate(re);
  let compiled: RegExp;
  try {
    compiled = new RegExp(`^(?:${source})$`, flags);
  } catch (err) {
    // V8 says "Invalid regular expression: /^(?:...)$/: <reason>"; keep the reason, name the user's text.
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new Error(`error parsing regexp: ${reason}: ${JSON.stringify(re)}`);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(re, compiled);
  return compiled;
}
