/**
 * Go's strconv.FormatFloat for float64, digit for digit: the one Go-float
 * module of the agent. Templates print {{ $value }} and humanize's "%.4g"
 * exactly as Prometheus does (a rule migrated from Prometheus renders the
 * same annotation text); the HTTP API, the exposition format, PromQL's
 * count_values and the OTLP translator's `le`/`quantile` labels print
 * sample values as Prometheus does (formatGoFloatF, formatGoFloatG,
 * formatExpositionFloat below).
 *
 * Fixed precision rounds the *exact* binary value half-to-even (as Go's
 * decimal rounding does), which differs from JS toFixed/toPrecision on exact
 * ties such as 12345 to 4 digits ("1.234e+04" in Go).
 */

/** A decimal digit string d1d2d3... with the point after `dp` digits: value = 0.d1d2d3 x 10^dp. */
interface Decimal { digits: string; dp: number }

/** The exact decimal expansion of a finite, non-negative double. */
function exactDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biasedExp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2: number;
  if (biasedExp === 0) {
    exp2 = -1074;
  } else {
    mant |= 1n << 52n;
    exp2 = biasedExp - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp2 >= 0) {
    digits = (mant << BigInt(exp2)).toString();
    dp = digits.length;
  } else {
    // mant * 2^e = mant * 5^-e / 10^-e
    digits = (mant * 5n ** BigInt(-exp2)).toString();
    dp = digits.length + exp2;
  }
  return trimZeros({ digits, dp });
}

function trimZeros(d: Decimal): Decimal {
  let end = d.digits.length;
  while (end > 0 && d.digits[end - 1] === '0') end--;
  let start = 0;
  while (start < end && d.digits[start] === '0') start++;
  if (start === end) return { digits: '', dp: 0 };
  return { digits: d.digits.slice(start, end), dp: d.dp - start };
}

/** The shortest digits that read back as x (Go's and JavaScript's algorithms agree on these). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const [mant, exp] = x.toExponential().split('e');
  const digits = mant.replace('.', '');
  return trimZeros({ digits, dp: Number(exp) + 1 });
}

/** Rounds to nd significant digits, half to even on exact ties (Go's decimal.Round). */
function roundTo(d: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= d.digits.length) return d;
  const next = d.digits.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === d.digits.length) {
    up = nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else {
    up = next >= 5;
  }
  if (!up) return trimZeros({ digits: d.digits.slice(0, nd), dp: d.dp });
  const arr = d.digits.slice(0, nd).split('').map(Number);
  let i = nd - 1;
  while (i >= 0 && arr[i] === 9) { arr[i] = 0; i--; }
  if (i < 0) return { digits: '1', dp: d.dp + 1 };
  arr[i]++;
  return trimZeros({ digits: arr.join(''), dp: d.dp });
}

function digitAt(d: Decimal, i: number): string {
  return i < d.digits.length ? d.digits[i] : '0';
}

/** %e: d.ddddde±dd */
function fmtE(neg: boolean, d: Decimal, prec: number, e: 'e' | 'E'): string {
  let out = neg ? '-' : '';
  out += d.digits.length === 0 ? '0' : d.digits[0];
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, i);
  }
  let exp = d.digits.length === 0 ? 0 : d.dp - 1;
  out += e;
  if (exp < 0) { out += '-'; exp = -exp; } else out += '+';
  out += exp < 10 ? '0' + exp : String(exp);
  return out;
}

/** %f: ddd.ddd */
function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let out = neg ? '-' : '';
  if (d.dp > 0) {
    let m = Math.min(d.digits.length, d.dp);
    out += d.digits.slice(0, m);
    for (; m < d.dp; m++) out += '0';
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = d.dp + i - 1;
      out += j < 0 || j >= d.digits.length ? '0' : d.digits[j];
    }
  }
  return out;
}

export type FloatFormat = 'e' | 'E' | 'f' | 'g' | 'G';

/** strconv.FormatFloat(x, fmt, prec, 64); prec -1 means the shortest exact representation. */
export function formatFloat(x: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const abs = Math.abs(x);
  const shortest = prec < 0;
  let d: Decimal;
  if (shortest) {
    d = shortestDecimal(abs);
    switch (fmt) {
      case 'e': case 'E': prec = Math.max(d.digits.length - 1, 0); break;
      case 'f': prec = Math.max(d.digits.length - d.dp, 0); break;
      case 'g': case 'G': prec = d.digits.length; break;
    }
  } else {
    d = exactDecimal(abs);
    switch (fmt) {
      case 'e': case 'E': d = roundTo(d, prec + 1); break;
      case 'f': d = roundTo(d, d.dp + prec); break;
      case 'g': case 'G': if (prec === 0) prec = 1; d = roundTo(d, prec); break;
    }
    if (d.digits.length === 0) d = { digits: '', dp: 0 };
  }
  switch (fmt) {
    case 'e': case 'E':
      return fmtE(neg, d, prec, fmt);
    case 'f':
      return fmtF(neg, d, prec);
    default: {
      let eprec = prec;
      const nd = Math.max(d.digits.length, 1);
      const dp = d.digits.length === 0 ? 1 : d.dp;
      if (eprec > nd && nd >= dp) eprec = nd;
      if (shortest) eprec = 6;
      const exp = dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > nd) prec = nd;
        return fmtE(neg, d, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > dp) prec = nd;
      return fmtF(neg, d, Math.max(prec - dp, 0));
    }
  }
}

/** Go strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits, never an exponent; +Inf/-Inf/NaN. */
export function formatGoFloatF(v: number): string {
  return formatFloat(v, 'f', -1);
}

/** Go strconv.FormatFloat(v, 'g', -1, 64): exponent when exp < -4 or >= 6 (Go's rule for shortest 'g'). */
export function formatGoFloatG(v: number): string {
  return formatFloat(v, 'g', -1);
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
