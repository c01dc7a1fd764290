/**
 * Label matcher regexes as Prometheus applies them (RE2, `^(?:re)$`): the
 * store's name for the regex module's anchoredRegex, kept so callers of the
 * store API need not know where regexes live. See agent/regex.
 */
export { anchoredRegex } from '../regex';
