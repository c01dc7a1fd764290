/**
 * Escaping user-controlled text (label and annotation values, which come
 * from metrics, rules and API callers) for each integration's markup, so a
 * label can neither mention (`<!channel>`, `<@U123>`) nor link
 * (`<https://evil.example|reset your password>`). Slack templates get the
 * escaped values; operators' template text is not escaped: links belong
 * there. HTML (email) is escaped by html/template's contextual escaping
 * (templates/html-escape.ts), as in Alertmanager.
 */

/** Slack's control characters (https://api.slack.com/reference/surfaces/formatting#escaping): &, <, >. */
export function escapeSlack(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}
