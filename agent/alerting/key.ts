/**
 * Identities: an alert's fingerprint (a stable hash of its label set, as
 * Alertmanager's FNV-1a 64-bit model.Fingerprint, printed as 16 hex digits)
 * and a group's key (route key + group labels), which the notification log
 * and PagerDuty's dedup_key use, so both must be stable across restarts.
 */
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const SEP = 0xff;

function fnv1a(h: bigint, bytes: Uint8Array): bigint {
  for (const b of bytes) h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK;
  return h;
}

const enc = new TextEncoder();
const SEP_BYTES = new Uint8Array([SEP]);

export function fingerprint(labels: Record<string, string>): string {
  let h = FNV_OFFSET;
  for (const name of Object.keys(labels).sort()) {
    h = fnv1a(h, enc.encode(name));
    h = fnv1a(h, SEP_BYTES);
    h = fnv1a(h, enc.encode(labels[name]));
    h = fnv1a(h, SEP_BYTES);
  }
  return h.toString(16).padStart(16, '0');
}

const GO_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' };

/**
 * Go's strconv.Quote (fmt %q) for the characters label values hold: the
 * named escapes, other ASCII controls and DEL as \xNN, printable Unicode
 * as is (JSON.stringify differs on \a, \v, \x7f and \u00NN forms).
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (GO_ESCAPES[ch]) out += GO_ESCAPES[ch];
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if ((c >= 0x80 && c < 0xa0) || c === 0xad) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** `{a="1", b="2"}` with sorted names: the printed form Alertmanager uses in group keys. */
export function labelsString(labels: Record<string, string>): string {
  return '{' + Object.keys(labels).sort().map((k) => `${k}=${goQuote(labels[k])}`).join(', ') + '}';
}

export function groupKey(routeKey: string, groupLabels: Record<string, string>): string {
  return `${routeKey}:${labelsString(groupLabels)}`;
}
