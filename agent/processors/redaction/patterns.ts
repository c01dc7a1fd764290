/**
 * The built-in secret patterns. Each has a cheap pre-scan (substring or
 * single-character checks, native string search) that rules most values out
 * before any pattern runs, and a finder that calls `replace` for each secret
 * and returns the rewritten string (the same string when nothing matched).
 *
 * Engine: constant JavaScript regexes, each written so that V8's
 * backtracking stays linear (README.md "Why JS regexes for built-ins"):
 * every repetition is either over a class that excludes the next literal
 * (one way to split the input) or bounded by a small constant, and nothing
 * follows an unbounded repetition except a single literal. JWTs and
 * private-key blocks, whose runs could be rescanned from many start
 * positions, are found by hand-written scanners instead. Every pattern is
 * checked on 100 000-character adversarial inputs in
 * test/agent/processors/redaction/linear-time.test.ts, and the bench
 * compares them with the same expressions on re2js.
 */
import { isPlaceholderValue, looksLikeBasicCredential, looksLikeToken, luhnValid } from './validators';

export const BUILTIN_PATTERN_NAMES = [
  'authorization', 'url_userinfo', 'secret_assignment', 'jwt', 'aws_access_key', 'private_key', 'api_token', 'credit_card',
] as const;
export type BuiltinPatternName = typeof BUILTIN_PATTERN_NAMES[number];

/** Masks or hashes one secret. */
export type Replace = (secret: string) => string;

export interface BuiltinPattern {
  name: BuiltinPatternName;
  /** False when the value cannot contain this pattern (a few native substring checks). */
  mayMatch(s: string): boolean;
  /** `s` with each secret replaced; the same string when there is none. */
  redact(s: string, replace: Replace, mask: string): string;
}

/** Regex sources shared with the bench (which compiles them on re2js for comparison). */
export const PATTERN_SOURCES = {
  authorization: String.raw`\b(Bearer|Basic|Token|Negotiate|ApiKey)([ \t]+)([A-Za-z0-9._~+/=-]{8,1000})`,
  url_userinfo: String.raw`\b([A-Za-z][A-Za-z0-9+.-]{0,30}://)([^\s/?#@:]{0,256})(?::([^\s/?#@]{0,512}))?@`,
  aws_access_key: String.raw`\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b`,
  api_token: String.raw`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|xox[abposr]-[A-Za-z0-9-]{10,255}|[sr]k_live_[A-Za-z0-9]{16,255}|AIza[0-9A-Za-z_-]{35}|glpat-[A-Za-z0-9_-]{20,64}|npm_[A-Za-z0-9]{36})\b`,
  credit_card: String.raw`\b(?:[2-6][0-9]{12,18}|[2-6][0-9]{3}(?:[ -][0-9]{4}){2,3}(?:[ -]?[0-9]{1,3})?|3[0-9]{3}[ -][0-9]{6}[ -][0-9]{4,5})\b`,
} as const;

/** Keywords whose value is a secret in `key=value`, `key: value`, `"key": "value"`, `KEY 'value'`. */
const KEYWORD = String.raw`(?:pass(?:word|wd|phrase)|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|signature|sig|credentials?|session[_-]?id|sessid|authorization)`;
const IDENT = String.raw`[A-Za-z0-9_.-]{0,40}${KEYWORD}`;
const QUOTED = String.raw`"[^"\n]{1,512}"|'[^'\n]{1,512}'`;
export const SECRET_ASSIGNMENT_SOURCE =
  String.raw`(${IDENT}["']?[ \t]*(?:=>|[:=])[ \t]*)(${QUOTED}|[^\s"'&;,<>(){}\[\]]{1,512})|((?:${IDENT}|identified[ \t]+by)["']?[ \t]+)(${QUOTED})`;

const AUTH_RE = new RegExp(PATTERN_SOURCES.authorization, 'gi');
const AUTH_TRIGGER = /bearer|basic|token|negotiate|apikey/i;
const USERINFO_RE = new RegExp(PATTERN_SOURCES.url_userinfo, 'g');
const ASSIGN_RE = new RegExp(SECRET_ASSIGNMENT_SOURCE, 'gi');
const ASSIGN_TRIGGER = /pass|secret|token|key|sig|credential|sess|authorization|identified/i;
const AWS_RE = new RegExp(PATTERN_SOURCES.aws_access_key, 'g');
const AWS_TRIGGER = /A(?:KI|SI|BI|CC|GP|ID|RO|NP|NV|IP)A/;
const TOKEN_RE = new RegExp(PATTERN_SOURCES.api_token, 'g');
const TOKEN_TRIGGER = /gh[pousr]_|github_pat_|xox[abposr]-|k_live_|AIza|glpat-|npm_/;
const CARD_RE = new RegExp(PATTERN_SOURCES.credit_card, 'g');
const FOUR_DIGITS = /[0-9]{4}/;

/** Keeps the quotes around a quoted value and replaces what is inside. */
function replaceValue(value: string, replace: Replace): string {
  const q = value[0];
  if ((q === '"' || q === "'") && value.length >= 2 && value[value.length - 1] === q) return q + replace(value.slice(1, -1)) + q;
  return replace(value);
}

function unquote(value: string): string {
  const q = value[0];
  return (q === '"' || q === "'") && value.length >= 2 && value[value.length - 1] === q ? value.slice(1, -1) : value;
}

const authorization: BuiltinPattern = {
  name: 'authorization',
  mayMatch: (s) => AUTH_TRIGGER.test(s),
  redact: (s, replace) => s.replace(AUTH_RE, (m, scheme: string, space: string, token: string) => {
    const ok = scheme.toLowerCase() === 'basic' ? looksLikeBasicCredential(token) : looksLikeToken(token);
    return ok ? scheme + space + replace(token) : m;
  }),
};

const urlUserinfo: BuiltinPattern = {
  name: 'url_userinfo',
  mayMatch: (s) => s.includes('://') && s.includes('@'),
  redact: (s, replace) => s.replace(USERINFO_RE, (m, scheme: string, user: string, password: string | undefined) => {
    if (password) return `${scheme}${user}:${replace(password)}@`;
    // A token used as the user name (https://<token>@github.com); short names (git@, admin@) stay.
    if (password === undefined && user.length >= 16) return `${scheme}${replace(user)}@`;
    return m;
  }),
};

const secretAssignment: BuiltinPattern = {
  name: 'secret_assignment',
  mayMatch: (s) => ASSIGN_TRIGGER.test(s),
  redact: (s, replace, mask) => s.replace(ASSIGN_RE, (m, p1: string | undefined, v1: string | undefined, p2: string | undefined, v2: string | undefined) => {
    const prefix = p1 ?? p2 ?? '';
    const value = v1 ?? v2 ?? '';
    let rest = '';
    let v = value;
    // `user:password@host` after a `key:` (a URL's userinfo, already handled): stop at the `@`.
    const at = v.indexOf('@');
    if (at > 0 && v[0] !== '"' && v[0] !== "'" && prefix.trimEnd().endsWith(':')) {
      rest = v.slice(at);
      v = v.slice(0, at);
    }
    if (isPlaceholderValue(unquote(v), mask)) return m;
    return prefix + replaceValue(v, replace) + rest;
  }),
};

const B64URL = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') B64URL[c.charCodeAt(0)] = 1;
const isB64url = (c: number) => c < 128 && B64URL[c] === 1;
function scanRun(s: string, i: number): number {
  while (i < s.length && isB64url(s.charCodeAt(i))) i++;
  return i;
}

/**
 * JWTs (JWS compact form: header.payload.signature, header starting `eyJ`,
 * the base64url of `{"`). A hand-written scan: each character is visited a
 * bounded number of times, however many `eyJ` a run contains.
 */
const jwt: BuiltinPattern = {
  name: 'jwt',
  mayMatch: (s) => s.includes('eyJ'),
  redact: (s, replace) => {
    let out = '';
    let last = 0;
    let from = 0;
    for (;;) {
      const i = s.indexOf('eyJ', from);
      if (i < 0) break;
      const startsWord = i === 0 || !isB64url(s.charCodeAt(i - 1));
      const headerEnd = scanRun(s, i + 3);
      from = Math.max(headerEnd, i + 3);
      if (!startsWord || headerEnd - i < 8 || s.charCodeAt(headerEnd) !== 46 /* . */) continue;
      const payloadEnd = scanRun(s, headerEnd + 1);
      if (payloadEnd - headerEnd - 1 < 4) continue;
      let end = payloadEnd;
      if (s.charCodeAt(payloadEnd) === 46) end = scanRun(s, payloadEnd + 1);
      else continue;
      out += s.slice(last, i) + replace(s.slice(i, end));
      last = end;
      from = end;
    }
    return last === 0 ? s : out + s.slice(last);
  },
};

/** PEM private-key blocks; an unterminated block (a truncated log line) is masked to the end. */
const privateKey: BuiltinPattern = {
  name: 'private_key',
  mayMatch: (s) => s.includes('PRIVATE KEY'),
  redact: (s, replace) => {
    let out = '';
    let last = 0;
    let from = 0;
    for (;;) {
      const begin = s.indexOf('-----BEGIN', from);
      if (begin < 0) break;
      const headerEnd = s.indexOf('-----', begin + 10);
      if (headerEnd < 0) break;
      const label = s.slice(begin + 10, headerEnd);
      if (!label.endsWith('PRIVATE KEY') || label.length > 40) {
        from = headerEnd;
        continue;
      }
      const bodyStart = headerEnd + 5;
      const endMarker = s.indexOf('-----END', bodyStart);
      const bodyEnd = endMarker < 0 ? s.length : endMarker;
      out += s.slice(last, bodyStart) + replace(s.slice(bodyStart, bodyEnd));
      last = bodyEnd;
      from = endMarker < 0 ? s.length : endMarker + 8;
    }
    return last === 0 ? s : out + s.slice(last);
  },
};

const awsAccessKey: BuiltinPattern = {
  name: 'aws_access_key',
  mayMatch: (s) => AWS_TRIGGER.test(s),
  redact: (s, replace) => s.replace(AWS_RE, (m) => replace(m)),
};

const apiToken: BuiltinPattern = {
  name: 'api_token',
  mayMatch: (s) => TOKEN_TRIGGER.test(s),
  redact: (s, replace) => s.replace(TOKEN_RE, (m) => replace(m)),
};

const creditCard: BuiltinPattern = {
  name: 'credit_card',
  mayMatch: (s) => s.length >= 13 && FOUR_DIGITS.test(s),
  redact: (s, replace) => s.replace(CARD_RE, (m) => {
    const digits = m.replace(/[ -]/g, '');
    return luhnValid(digits) ? replace(m) : m;
  }),
};

/** In the order they run: the specific token shapes before the generic `key=value` rule. */
export const BUILTIN_PATTERNS: readonly BuiltinPattern[] = [
  privateKey, jwt, authorization, urlUserinfo, awsAccessKey, apiToken, creditCard, secretAssignment,
];
