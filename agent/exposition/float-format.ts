/**
 * Float formatting exactly as Prometheus (Go) prints sample values, so text
 * read by SREs and diffed against a real Prometheus looks the same.
 *
 * - formatGoFloatF: strconv.FormatFloat(v, 'f', -1, 64), used by the HTTP API
 *   for sample values and by the OTLP translator for `le`/`quantile` labels.
 * - formatExpositionFloat: what expfmt writes in text format 0.0.4.
 * Both use the shortest decimal that round-trips (JS' toString digits, which
 * are the same shortest digits Go picks) and spell specials +Inf/-Inf/NaN.
 */

/** Splits a finite non-zero |v| into shortest digits and a decimal-point position. */
function shortestDigits(abs: number): { digits: string; pointPos: number } {
  // toExponential() without argument yields the shortest round-trip digits.
  const [mant, expText] = abs.toExponential().split('e');
  const digits = mant.replace('.', '');
  return { digits, pointPos: Number(expText) + 1 };
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return undefined;
}

/** Go strconv.FormatFloat(v, 'f', -1, 64): never an exponent. */
export function formatGoFloatF(v: number): string {
  const s = special(v);
  if (s !== undefined) return s;
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const { digits, pointPos } = shortestDigits(Math.abs(v));
  if (pointPos <= 0) return `${sign}0.${'0'.repeat(-pointPos)}${digits}`;
  if (pointPos >= digits.length) return sign + digits + '0'.repeat(pointPos - digits.length);
  return `${sign}${digits.slice(0, pointPos)}.${digits.slice(pointPos)}`;
}

/** Go strconv.FormatFloat(v, 'g', -1, 64): exponent when exp < -4 or >= 6 (Go's rule for shortest 'g'). */
export function formatGoFloatG(v: number): string {
  const s = special(v);
  if (s !== undefined) return s;
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const { digits, pointPos } = shortestDigits(Math.abs(v));
  const exp = pointPos - 1;
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return formatGoFloatF(v);
}

/**
 * A sample value in the text exposition format. Prometheus' expfmt writes
 * strconv 'g' shortest ("0.25", "1.5e-07", "1.2345675e+06"); we do the same
 * except that integral values below 1e21 print as plain digits ("1234567"
 * rather than "1.234567e+06"), which counters read better as and every
 * parser reads back to the same float64.
 */
export function formatExpositionFloat(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e21 && !Object.is(v, -0)) return formatGoFloatF(v);
  return formatGoFloatG(v);
}
