/**
 * Checks that turn a pattern's candidate into a secret, so look-alikes stay:
 * a 16-digit order number is a card only when its Luhn sum checks, "Basic
 * authentication" is not a credential, a bare word after "Bearer" is not a token.
 */

/** The Luhn check of a card number given as its digits only (13-19 of them). */
export function luhnValid(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Whether a Basic credential decodes (base64) to printable `user:password`. */
export function looksLikeBasicCredential(token: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token) || token.length % 4 === 1) return false;
  const decoded = Buffer.from(token, 'base64').toString('latin1');
  if (!decoded.includes(':')) return false;
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

/**
 * Whether the word after Bearer/Token/ApiKey is a token rather than prose:
 * tokens carry a digit or a symbol, or are long ("Bearer authentication
 * failed" keeps its word).
 */
export function looksLikeToken(token: string): boolean {
  if (token.length >= 24) return true;
  return /[0-9._~+/=-]/.test(token);
}

/** Values after `password=` etc. that are not secrets: empty markers, already masked, scheme words. */
const NOT_A_SECRET = new Set(['null', 'none', 'nil', 'undefined', 'true', 'false', 'bearer', 'basic', 'token', 'negotiate', 'apikey', 'redacted', '<secret>', '<redacted>']);

export function isPlaceholderValue(value: string, mask: string): boolean {
  if (value === mask || NOT_A_SECRET.has(value.toLowerCase())) return true;
  // Already masked (by the app or an earlier pass): only mask characters.
  return /^[*x#•.]+$/i.test(value) && value.length <= 64;
}
