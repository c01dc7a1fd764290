/**
 * Go's Regexp.Expand: the replacement template of ReplaceAllString,
 * Prometheus' label_replace and the template function reReplaceAll.
 * `$name` and `${name}` name a group by number or name; a name is the
 * longest run of letters, digits and `_` (so `$1x` names group "1x", which
 * does not exist and expands to nothing); `$$` is a literal `$`; a `$`
 * not followed by a valid name is kept as text.
 */

/** The groups of one match: group(i) is undefined when group i did not take part. */
export interface MatchGroups {
  group(index: number): string | undefined;
  /** Group index by name (RE2 refuses duplicate names). */
  readonly names: Readonly<Record<string, number>>;
}

const NAME_CHAR = /^[\p{L}\p{Nd}_]$/u;

/** Go's extract(): the name after a `$`, its number (-1 for a name that is not a number) and where it ends. */
function extract(s: string, from: number): { name: string; num: number; end: number } | undefined {
  let i = from;
  const brace = s[i] === '{';
  if (brace) i++;
  const start = i;
  while (i < s.length) {
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === start) return undefined;
  const name = s.slice(start, i);
  if (brace) {
    if (s[i] !== '}') return undefined;
    i++;
  }
  let num = 0;
  for (const c of name) {
    if (c < '0' || c > '9' || num >= 1e8) { num = -1; break; }
    num = num * 10 + (c.charCodeAt(0) - 48);
  }
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, end: i };
}

/** Expands `template` for one match, as Go's Regexp.ExpandString. */
export function expand(template: string, match: MatchGroups): string {
  let out = '';
  let i = 0;
  for (;;) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const ref = extract(template, i);
    if (!ref) {
      out += '$';
      continue;
    }
    i = ref.end;
    const index = ref.num >= 0 ? ref.num : Object.hasOwn(match.names, ref.name) ? match.names[ref.name] : -1;
    if (index >= 0) out += match.group(index) ?? '';
  }
  return out + template.slice(i);
}
