/**
 * label_replace and label_join. Replacement templates follow Go's
 * regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; a bare `$name`
 * takes the longest run of letters, digits and underscores (so `$1x` names
 * group "1x", which does not exist and expands to nothing).
 */
import type { Labels } from '../../store/types';
import { anchoredRegex } from '../../store/regex';
import { LABEL_NAME_RE } from '../strings';
import { sortedLabels } from '../labels';

function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const ref = /^(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/.exec(template.slice(i));
    if (!ref) {
      out += '$';
      continue;
    }
    i += ref[0].length;
    const name = ref[1] ?? ref[2];
    if (/^[0-9]+$/.test(name) && !(name.length > 1 && name[0] === '0')) {
      const num = Number(name);
      if (num < 1e8 && num < match.length) out += match[num] ?? '';
    } else if (match.groups && name in match.groups) {
      out += match.groups[name] ?? '';
    }
  }
  return out + template.slice(i);
}

/** A function applying label_replace(…, dst, replacement, src, regex) to one label set. */
export function labelReplacer(dst: string, replacement: string, src: string, regex: string): (l: Labels) => Labels {
  let re: RegExp;
  try {
    re = anchoredRegex(regex);
  } catch {
    throw new Error(`invalid regular expression in label_replace(): ${regex}`);
  }
  if (!LABEL_NAME_RE.test(dst)) throw new Error(`invalid destination label name in label_replace(): ${dst}`);
  return (l) => {
    const m = re.exec(l[src] ?? '');
    if (!m) return l;
    const value = expandTemplate(replacement, m);
    const out: Labels = { ...l };
    delete out[dst];
    if (value !== '') out[dst] = value;
    return sortedLabels(out);
  };
}

/** A function applying label_join(…, dst, separator, src...) to one label set. */
export function labelJoiner(dst: string, separator: string, srcs: string[]): (l: Labels) => Labels {
  for (const s of srcs) if (!LABEL_NAME_RE.test(s)) throw new Error(`invalid source label name in label_join(): ${s}`);
  if (!LABEL_NAME_RE.test(dst)) throw new Error(`invalid destination label name in label_join(): ${dst}`);
  return (l) => {
    const value = srcs.map((s) => l[s] ?? '').join(separator);
    const out: Labels = { ...l };
    delete out[dst];
    if (value !== '') out[dst] = value;
    return sortedLabels(out);
  };
}
