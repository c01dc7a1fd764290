/**
 * Fast paths for anchored label matchers that need no automaton, as
 * Prometheus' FastRegexMatcher has them: most selectors are a literal
 * (`=~"api"`), a literal alternation (`=~"GET|POST"`) or "anything"
 * (`=~".*"`, `!~".+"`). A Set lookup or a newline check answers exactly as
 * the anchored RE2 program would, about 10x faster than running it.
 */

/** Characters with a meaning in RE2 syntax, besides `|`. */
const META = /[\\.+*?()[\]{}^$]/;

/**
 * A predicate equivalent to matching `^(?:pattern)$`, or undefined when the
 * pattern needs the automaton.
 */
export function fastAnchoredTest(pattern: string): ((s: string) => boolean) | undefined {
  // RE2's `.` matches any character but \n (no (?s) flag here).
  if (pattern === '.*') return (s) => !s.includes('\n');
  if (pattern === '.+') return (s) => s.length > 0 && !s.includes('\n');
  if (META.test(pattern)) return undefined;
  if (!pattern.includes('|')) return (s) => s === pattern;
  const alternatives = new Set(pattern.split('|'));
  return (s) => alternatives.has(s);
}
