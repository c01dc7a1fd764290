/**
 * The agent's one regex module: every user-supplied pattern (PromQL
 * matchers, label_replace, template functions, silences, routes, inhibit
 * rules, logmetrics patterns, rule-file globs) is compiled here, with Go's
 * RE2 syntax and semantics in linear time (re2js), Prometheus' anchoring,
 * Go's error messages and a bounded cache. See README.md.
 */
import { GoRegexp } from './go-regexp';
import { fastAnchoredTest } from './literal';
import { LruMap } from './lru';

export { GoRegexp, type Submatch } from './go-regexp';
export { RegexSyntaxError } from './errors';
export { expand, type MatchGroups } from './expand';

/** Compiled patterns kept (anchored and unanchored together); the least recently used is dropped first. */
export const REGEX_CACHE_ENTRIES = 1000;

const cache = new LruMap<string, GoRegexp>(REGEX_CACHE_ENTRIES);

/**
 * regexp.Compile(expr): an unanchored expression (template `match` and
 * `reReplaceAll`, logmetrics `body_regex`). Throws RegexSyntaxError.
 */
export function compileRegex(expr: string): GoRegexp {
  const key = `u:${expr}`;
  let re = cache.get(key);
  if (!re) {
    re = GoRegexp.compile(expr);
    cache.set(key, re);
  }
  return re;
}

/**
 * A label matcher's regex as Prometheus and Alertmanager compile it:
 * `^(?:re)$`, matching whole values only. Errors name the anchored
 * expression, as theirs do (`error parsing regexp: missing closing ): \`^(?:()$\``).
 * A pattern that is only valid once wrapped (`a)|(b`) is refused with the
 * error of the pattern alone, as Prometheus refuses it.
 */
export function anchoredRegex(re: string): GoRegexp {
  const key = `a:${re}`;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = GoRegexp.compile(`^(?:${re})$`, fastAnchoredTest(re));
    // Prometheus also parses the pattern alone, so `a)|(b` (valid once wrapped, and then
    // unanchored) is refused rather than matching every value that starts with "a".
    GoRegexp.compile(re);
    cache.set(key, compiled);
  }
  return compiled;
}

/** regexp.MatchString(pattern, s). */
export function matchString(pattern: string, s: string): boolean {
  return compileRegex(pattern).test(s);
}

/** regexp.MustCompile(pattern).ReplaceAllString(src, template). */
export function replaceAllString(pattern: string, src: string, template: string): string {
  return compileRegex(pattern).replaceAll(src, template);
}

/** RE2 syntax matching `s` literally (Go's regexp.QuoteMeta). */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Compiled patterns currently cached (tests, diagnostics). */
export function regexCacheSize(): number {
  return cache.size;
}
