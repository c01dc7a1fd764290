/**
 * label_replace and label_join. The regex is anchored RE2 and the
 * replacement follows Go's regexp.Expand, both from agent/regex.
 */
import type { Labels } from '../../store/types';
import { anchoredRegex, type GoRegexp } from '../../regex';
import { LABEL_NAME_RE } from '../strings';
import { sortedLabels } from '../labels';

/** A function applying label_replace(…, dst, replacement, src, regex) to one label set. */
export function labelReplacer(dst: string, replacement: string, src: string, regex: string): (l: Labels) => Labels {
  let re: GoRegexp;
  try {
    re = anchoredRegex(regex);
  } catch {
    throw new Error(`invalid regular expression in label_replace(): ${regex}`);
  }
  if (!LABEL_NAME_RE.test(dst)) throw new Error(`invalid destination label name in label_replace(): ${dst}`);
  return (l) => {
    const m = re.exec(l[src] ?? '');
    if (!m) return l;
    const value = re.expand(replacement, m);
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
