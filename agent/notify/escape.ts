/**
 * Escaping user-controlled text (label and annotation values, which come
 * from metrics, rules and API callers) for each integration's markup, so a
 * label can neither mention (`<!channel>`, `<@U123>`) nor link
 * (`<https://evil.example|reset your password>`) nor inject HTML. Operators'
 * own literal texts from the config are not escaped: links belong there.
 */

/** Slack's control characters (https://api.slack.com/reference/surfaces/formatting#escaping): &, <, >. */
export function escapeSlack(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** HTML text and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}
