/**
 * body_regex: a search (not anchored) in the log body's text, in RE2
 * spelling as Prometheus users write it; a leading (?i) / (?s) / (?m) flag
 * group becomes the JavaScript flag.
 */
export function bodyRegex(re: string): RegExp {
  let src = re;
  let flags = '';
  const group = /^\(\?([ism]+)\)/.exec(src);
  if (group) {
    for (const f of new Set(group[1])) flags += f;
    src = src.slice(group[0].length);
  }
  try {
    return new RegExp(src.replace(/\(\?P</g, '(?<'), flags);
  } catch (err) {
    throw new Error(`error parsing regexp: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}
