/**
 * The pattern half of the raw pre-scan (raw-prescan.ts): for each built-in
 * pattern, a necessary condition tested over a request's whole protobuf
 * buffer. Every string the redaction walk scans is a run of that buffer,
 * and the decoder (Buffer#utf8Slice: invalid or overlong sequences become
 * U+FFFD) turns ASCII bytes into the same ASCII characters and never makes
 * an ASCII character out of other bytes; every pattern's match is ASCII
 * around its anchor, so if a string matches, the same ASCII bytes are in the
 * buffer in a row. The conditions drop what depends on the characters
 * around a match (`\b`, the byte before a value is a length or tag), so
 * they still hold for a value embedded anywhere in the buffer.
 *
 * Speed: the only fast primitive is a native search whose first byte is
 * rare (memchr), about 2 µs per 100 KB; JavaScript loops cost ~2-5 ns a
 * byte. So each condition starts from a byte or literal that is rare in
 * telemetry (`:`, `=`, `@`, quotes, blanks, `A`, `_`, `yJ`, `xox`,
 * `glpat-`, `PRIVATE KEY-----`) and checks the few bytes around each hit;
 * card numbers, made of common bytes, are found by sampling every 13th
 * byte of each string (raw-structure.ts calls cardIn). Each occurrence of
 * a needle costs a call (~40 ns here): past a budget (prose is full of
 * blanks and quotes) the test gives up and the request is walked.
 */
import { PATTERN_SOURCES, type BuiltinPatternName } from './patterns';

const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;
const isQuote = (c: number): boolean => c === 0x22 || c === 0x27;

function classOf(chars: string): Uint8Array {
  const t = new Uint8Array(256);
  for (const ch of chars) t[ch.charCodeAt(0)] = 1;
  return t;
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM_CLASS = classOf(ALNUM);
const UPPER_DIGIT_CLASS = classOf('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
const B64URL_CLASS = classOf(`${ALNUM}-_`);
const ALNUM_DASH_CLASS = classOf(`${ALNUM}-`);
const ALNUM_UNDERSCORE_CLASS = classOf(`${ALNUM}_`);
const AUTH_TOKEN_CLASS = classOf(`${ALNUM}._~+/=-`);
const CARD_CLASS = classOf('0123456789 -');
/** patterns.ts credit_card without its word boundaries. */
const CARD_SHAPE = new RegExp(PATTERN_SOURCES.credit_card.replace(/\\b/g, ''));
/** Bytes that end a URL's user-info run: ASCII white space, `/`, `?`, `#`, `@`. */
const USERINFO_STOP = classOf('\t\n\v\f\r /?#@');

/** `n` bytes of `cls` from `at`. */
function run(buf: Uint8Array, at: number, n: number, cls: Uint8Array): boolean {
  if (at + n > buf.length) return false;
  for (let i = at; i < at + n; i++) if (cls[buf[i]] !== 1) return false;
  return true;
}

/** Whether `buf[end - word.length, end)` is `word` (lower case), ASCII letters compared case-insensitively. */
function endsWith(buf: Uint8Array, end: number, word: Uint8Array): boolean {
  const start = end - word.length;
  if (start < 0) return false;
  for (let i = 0; i < word.length; i++) if (lower(buf[start + i]) !== word[i]) return false;
  return true;
}

/** Whether `buf` has `word` (exact bytes) at `at`. */
function at(buf: Uint8Array, pos: number, word: Uint8Array): boolean {
  if (pos < 0 || pos + word.length > buf.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[pos + i] !== word[i]) return false;
  return true;
}

const ascii = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const words = (list: string[]): Uint8Array[] => list.map(ascii);
/** Lower-case last letters of `list`, for a quick rejection before comparing words. */
function lastLetters(list: Uint8Array[]): Uint8Array {
  const t = new Uint8Array(256);
  for (const w of list) t[w[w.length - 1]] = 1;
  return t;
}
function endsWithAny(buf: Uint8Array, end: number, list: Uint8Array[], last: Uint8Array): boolean {
  if (end === 0 || last[lower(buf[end - 1])] !== 1) return false;
  for (let i = 0; i < list.length; i++) if (endsWith(buf, end, list[i])) return true;
  return false;
}

/**
 * The secret_assignment keywords (patterns.ts KEYWORD, each `[_-]?` spelled
 * out), lower case: the identifier before `=`/`:` must end with one.
 */
const ASSIGNMENT_KEYWORDS = words([
  'password', 'passwd', 'passphrase', 'secret', 'token',
  'api_key', 'api-key', 'apikey', 'access_key', 'access-key', 'accesskey', 'private_key', 'private-key', 'privatekey',
  'signature', 'sig', 'credential', 'credentials', 'session_id', 'session-id', 'sessionid', 'sessid', 'authorization',
]);
const ASSIGNMENT_LAST = lastLetters(ASSIGNMENT_KEYWORDS);
const AUTH_SCHEMES = words(['bearer', 'basic', 'token', 'negotiate', 'apikey']);
const AUTH_LAST = lastLetters(AUTH_SCHEMES);
const IDENTIFIED = ascii('identified');
const BY = ascii('by');

/** Steps back over blanks from `end` (exclusive); returns the new end. */
function skipBlanksBack(buf: Uint8Array, end: number): number {
  while (end > 0 && isBlank(buf[end - 1])) end--;
  return end;
}

/**
 * secret_assignment, form 1: `KEYWORD ["']? [ \t]* (=> | : | =)`, found
 * from the `:` or `=` at `p`.
 */
function assignmentBefore(buf: Uint8Array, p: number): boolean {
  let end = skipBlanksBack(buf, p);
  if (end > 0 && isQuote(buf[end - 1])) end--;
  return endsWithAny(buf, end, ASSIGNMENT_KEYWORDS, ASSIGNMENT_LAST);
}

/**
 * secret_assignment, form 2: `(KEYWORD | identified[ \t]+by) ["']? [ \t]+ QUOTE`,
 * found from the quote at `p`.
 */
function quotedAssignmentBefore(buf: Uint8Array, p: number): boolean {
  if (p === 0 || !isBlank(buf[p - 1])) return false;
  let end = skipBlanksBack(buf, p);
  if (end > 0 && isQuote(buf[end - 1])) end--;
  if (endsWithAny(buf, end, ASSIGNMENT_KEYWORDS, ASSIGNMENT_LAST)) return true;
  if (!endsWith(buf, end, BY)) return false;
  const beforeBy = end - 2;
  const identifiedEnd = skipBlanksBack(buf, beforeBy);
  return identifiedEnd < beforeBy && endsWith(buf, identifiedEnd, IDENTIFIED);
}

const BASIC = ascii('basic');
const LETTER_CLASS = classOf('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');

/**
 * authorization: `(bearer|basic|token|negotiate|apikey) [ \t]+` and a
 * credential of 8 or more token characters, found from the first blank at
 * `p`. Except after Basic, the credential must also look like a token (a
 * digit or symbol, or 24 characters: validators.ts looksLikeToken), so
 * "Bearer authentication failed" stays clean. The run in the buffer may go
 * on past the string's end; that only makes the test weaker.
 */
function schemeBefore(buf: Uint8Array, p: number): boolean {
  if (p > 0 && isBlank(buf[p - 1])) return false; // not the run's first blank: its first was checked
  if (!endsWithAny(buf, p, AUTH_SCHEMES, AUTH_LAST)) return false;
  let q = p;
  while (q < buf.length && isBlank(buf[q])) q++;
  if (!run(buf, q, 8, AUTH_TOKEN_CLASS)) return false;
  if (endsWith(buf, p, BASIC)) return true;
  for (let i = q; i < q + 24; i++) {
    if (i >= buf.length || AUTH_TOKEN_CLASS[buf[i]] !== 1) return false; // a word shorter than 24 letters
    if (LETTER_CLASS[buf[i]] !== 1) return true;
  }
  return true;
}

/** The longest user-info run the url_userinfo pattern accepts, in bytes: (256 + 1 + 512) UTF-16 units of at most 3 bytes each. */
const USERINFO_MAX_BYTES = (256 + 1 + 512) * 3;

/** url_userinfo: `://` + a run without white space, `/`, `?`, `#`, `@` holding a `:` or >= 16 bytes, + the `@` at `p`. */
function userinfoBefore(buf: Uint8Array, p: number): boolean {
  let colon = false;
  let i = p - 1;
  const floor = Math.max(0, p - 1 - USERINFO_MAX_BYTES);
  for (; i >= floor; i--) {
    const c = buf[i];
    if (USERINFO_STOP[c] === 1) break;
    if (c === 0x3a) colon = true;
  }
  if (i < 2 || buf[i] !== 0x2f || buf[i - 1] !== 0x2f || buf[i - 2] !== 0x3a) return false;
  return colon || p - i - 1 >= 16;
}

/** AWS access key id prefixes after the leading `A` (patterns.ts aws_access_key). */
const AWS_PAIRS = new Set(['KI', 'SI', 'BI', 'CC', 'GP', 'ID', 'RO', 'NP', 'NV', 'IP'].map((s) => s.charCodeAt(0) * 256 + s.charCodeAt(1)));
const IZA = ascii('Iza');
/** aws_access_key (`A..A` + 16 of [A-Z0-9]) from the `A` at `p`. */
function awsKeyAt(buf: Uint8Array, p: number): boolean {
  return buf[p + 3] === 0x41 && AWS_PAIRS.has(buf[p + 1] * 256 + buf[p + 2]) && run(buf, p + 4, 16, UPPER_DIGIT_CLASS);
}
/** api_token's Google key (`AIza` + 35 of [0-9A-Za-z_-]) from the `A` at `p`. */
function googleKeyAt(buf: Uint8Array, p: number): boolean {
  return at(buf, p + 1, IZA) && run(buf, p + 4, 35, B64URL_CLASS);
}

const GITHUB_PAT = ascii('github_pat');
const NPM = ascii('npm');
const K_LIVE = ascii('k_live');
/** api_token's `_`-separated prefixes (GitHub, Stripe, npm), from the `_` that ends the prefix at `p`. */
function underscoreTokenAt(buf: Uint8Array, p: number): boolean {
  const after = p + 1;
  const c = buf[p - 1];
  if (buf[p - 3] === 0x67 /* g */ && buf[p - 2] === 0x68 /* h */ && (c === 0x70 || c === 0x6f || c === 0x75 || c === 0x73 || c === 0x72)) {
    if (run(buf, after, 36, ALNUM_CLASS)) return true;
  }
  if (at(buf, p - GITHUB_PAT.length, GITHUB_PAT) && run(buf, after, 22, ALNUM_UNDERSCORE_CLASS)) return true;
  if (at(buf, p - K_LIVE.length, K_LIVE) && (buf[p - 7] === 0x73 || buf[p - 7] === 0x72) && run(buf, after, 16, ALNUM_CLASS)) return true;
  return at(buf, p - NPM.length, NPM) && run(buf, after, 36, ALNUM_CLASS);
}

/** api_token's Slack tokens (`xox[abposr]-` + 10 of [A-Za-z0-9-]) from the `xox` at `p`. */
function slackTokenAt(buf: Uint8Array, p: number): boolean {
  return 'abposr'.includes(String.fromCharCode(buf[p + 3])) && buf[p + 4] === 0x2d && run(buf, p + 5, 10, ALNUM_DASH_CLASS);
}
/** api_token's GitLab tokens (`glpat-` + 20 of [A-Za-z0-9_-]) from the `glpat-` at `p`. */
function gitlabTokenAt(buf: Uint8Array, p: number): boolean {
  return run(buf, p + 6, 20, B64URL_CLASS);
}
/** jwt: `eyJ` + 5 base64url characters, from the `yJ` at `p` (the header of `{"...`). */
function jwtAt(buf: Uint8Array, p: number): boolean {
  return buf[p - 1] === 0x65 /* e */ && run(buf, p + 2, 5, B64URL_CLASS);
}

/**
 * credit_card in one string field `buf[from, to)`: 13 digits starting 2-6,
 * or 4-digit groups split by blanks or dashes (patterns.ts). Every form is
 * a run of at least 13 bytes of [0-9 -], so one of every 13th byte of the
 * field lies in it; such a run (rare) is then tested with the pattern's own
 * regex, word boundaries left out. Called by the structural scan for each
 * string the walk scans (raw-structure.ts): cheaper than sampling the whole
 * buffer, and keys, ids and lengths are left out.
 */
export function cardIn(buf: Uint8Array, from: number, to: number): boolean {
  for (let i = from + 12; i < to; i += 13) {
    // A run of 13 holds a neighbour of the sample too (the common case: a lone dash or digit).
    if (CARD_CLASS[buf[i]] !== 1 || (CARD_CLASS[buf[i - 1]] !== 1 && (i + 1 >= to || CARD_CLASS[buf[i + 1]] !== 1))) continue;
    let start = i;
    while (start > from && CARD_CLASS[buf[start - 1]] === 1) start--;
    let end = i + 1;
    while (end < to && CARD_CLASS[buf[end]] === 1) end++;
    if (end - start >= 13 && CARD_SHAPE.test(Buffer.from(buf.buffer, buf.byteOffset, buf.length).toString('latin1', start, end))) return true;
    while (i + 13 < end) i += 13; // the next sample after this run
  }
  return false;
}

/**
 * Where to look for a pattern: at each occurrence of `needle` (a byte, or a
 * literal whose first byte is rare), `check` tells whether a match may
 * start around it; or `scan` over the whole buffer.
 */
export type Probe =
  | { needle: number | string; check: (buf: Uint8Array, p: number) => boolean };

export const PATTERN_PROBES: Record<BuiltinPatternName, Probe[]> = {
  authorization: [{ needle: 0x20, check: schemeBefore }, { needle: 0x09, check: schemeBefore }],
  url_userinfo: [{ needle: 0x40, check: userinfoBefore }],
  secret_assignment: [
    { needle: 0x3d, check: assignmentBefore }, { needle: 0x3a, check: assignmentBefore },
    { needle: 0x22, check: quotedAssignmentBefore }, { needle: 0x27, check: quotedAssignmentBefore },
  ],
  jwt: [{ needle: 'yJ', check: jwtAt }],
  aws_access_key: [{ needle: 0x41, check: awsKeyAt }],
  // The label's end and the header's closing dashes: `-----BEGIN ... PRIVATE KEY-----`.
  private_key: [{ needle: 'PRIVATE KEY-----', check: () => true }],
  api_token: [
    { needle: 0x5f, check: underscoreTokenAt }, { needle: 0x41, check: googleKeyAt },
    { needle: 'xox', check: slackTokenAt }, { needle: 'glpat-', check: gitlabTokenAt },
  ],
  credit_card: [], // string by string, in the structural scan (cardIn)
};

/**
 * Over the probed patterns' needles: MAYBE when one of them may match a
 * string held in `buf`, CLEAN when none can, OVER_BUDGET when the needles
 * occur more than `budget` times (prose: blanks, quotes; each occurrence
 * costs a call and a check, and past some number the walk is cheaper).
 */
export const MAYBE = 1;
export const CLEAN = 0;
export const OVER_BUDGET = -1;
export type PatternTest = (buf: Buffer, budget: number) => number;

/** One test for the given patterns: probes sharing a needle share one search. */
export function patternTest(names: readonly BuiltinPatternName[]): PatternTest {
  const byNeedle = new Map<number | string, ((buf: Uint8Array, p: number) => boolean)[]>();
  for (const name of new Set(names)) {
    for (const probe of PATTERN_PROBES[name]) byNeedle.set(probe.needle, [...(byNeedle.get(probe.needle) ?? []), probe.check]);
  }
  const searches = [...byNeedle].map(([needle, checks]) => {
    // A loop, not checks.some(closure): no closure per occurrence (garbage on the ingest path).
    const check = checks.length === 1 ? checks[0] : (buf: Uint8Array, p: number) => {
      for (let i = 0; i < checks.length; i++) if (checks[i](buf, p)) return true;
      return false;
    };
    /** The budget left after this needle's occurrences, or MAYBE_FOUND. */
    return (buf: Buffer, budget: number): number => {
      for (let p = buf.indexOf(needle); p >= 0; p = buf.indexOf(needle, p + 1)) {
        if (check(buf, p)) return MAYBE_FOUND;
        if (--budget < 0) return budget;
      }
      return budget;
    };
  });
  return (buf, budget) => {
    for (const search of searches) {
      budget = search(buf, budget);
      if (budget === MAYBE_FOUND) return MAYBE;
      if (budget < 0) return OVER_BUDGET;
    }
    return CLEAN;
  };
}

/** What a search returns when a check held (below any budget it can count down to). */
const MAYBE_FOUND = -2;
