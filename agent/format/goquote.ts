/**
 * Go's strconv.Quote (fmt's %q): the one copy of the agent. Alertmanager
 * prints label values with it in group keys ({}:{alertname="x"}, which the
 * notification log, webhooks and PagerDuty's dedup_key carry) and templates
 * print %q with it, so both must match Go character for character.
 *
 * Go escapes what unicode.IsPrint rejects: everything but letters, marks,
 * numbers, punctuation, symbols and the ASCII space (so also U+00A0 and the
 * other non-ASCII spaces, format characters such as U+00AD, U+200B and
 * U+FEFF, private use and unassigned code points). The categories come from
 * the Unicode tables of this Node.js, which may be newer than the Go that
 * built a given Alertmanager: a character assigned since is printed as is
 * here and escaped there.
 */
const NAMED: Record<string, string> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\',
};
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function hex(c: number, width: number): string {
  return c.toString(16).padStart(width, '0');
}

export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20 && c < 0x7f && ch !== '"' && ch !== '\\') out += ch;
    else if (NAMED[ch]) out += NAMED[ch];
    else if (c < 0x20 || c === 0x7f) out += '\\x' + hex(c, 2);
    // A lone surrogate reaches Go as U+FFFD (UTF-8 encoding replaces it), which is printable.
    else if (c >= 0xd800 && c <= 0xdfff) out += '\uFFFD';
    else if (PRINTABLE.test(ch)) out += ch;
    else if (c < 0x10000) out += '\\u' + hex(c, 4);
    else out += '\\U' + hex(c, 8);
  }
  return out + '"';
}
