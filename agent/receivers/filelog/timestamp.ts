/**
 * Timestamp parsing for the parsers' `timestamp` block: the Collector's
 * `epoch` layouts and a subset of its `strptime` directives, matched by hand
 * (no regex built from user input). Results are Unix nanoseconds as bigint.
 */

/** Directives understood in strptime layouts. */
const DIRECTIVES = new Set(['Y', 'm', 'd', 'H', 'M', 'S', 'L', 'f', 'z', 'Z', 'b', 'T', 'F', 'y', 'j', 's', '%']);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A problem with the layout, or undefined when every directive is known. */
export function checkStrptimeLayout(layout: string): string | undefined {
  for (let i = 0; i < layout.length; i++) {
    if (layout[i] !== '%') continue;
    const d = layout[++i];
    if (d === undefined || !DIRECTIVES.has(d)) {
      return `unsupported strptime directive %${d ?? ''} (supported: ${[...DIRECTIVES].map((x) => `%${x}`).join(' ')})`;
    }
  }
  return undefined;
}

/** Epoch value in the given unit (s, ms, us, ns, s.ms, s.us, s.ns) to nanoseconds. */
export function parseEpoch(value: string | number, layout: string): bigint | undefined {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const unit = layout.split('.')[0];
  const scale = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n }[unit];
  if (scale === undefined) return undefined;
  const whole = BigInt(m[1]) * scale;
  const digits = scale.toString().length - 1;
  const frac = (m[2] ?? '').slice(0, digits).padEnd(digits, '0');
  return whole + (digits > 0 ? BigInt(frac) : 0n);
}

/** A layout split once into literals and directives (parsing runs per line). */
type Token = { lit: string } | { dir: string };
const compiled = new Map<string, Token[]>();

function tokens(layout: string): Token[] {
  let t = compiled.get(layout);
  if (t) return t;
  t = [];
  const expanded = layout.replace(/%T/g, '%H:%M:%S').replace(/%F/g, '%Y-%m-%d');
  for (let i = 0; i < expanded.length; i++) {
    if (expanded[i] === '%') t.push({ dir: expanded[++i] });
    else t.push({ lit: expanded[i] });
  }
  if (compiled.size < 64) compiled.set(layout, t);
  return t;
}

/** Parses `value` against a strptime layout; undefined when it does not match. */
export function parseStrptime(value: string, layout: string): bigint | undefined {
  let year = 1970; let month = 1; let day = 1; let hour = 0; let minute = 0; let second = 0;
  let nanos = 0; let offsetMin = 0; let yday = 0; let epochSeconds = -1;
  let p = 0;
  let digits = 0;
  // Reads min..max decimal digits at p (advancing p); -1 when fewer than min.
  const num = (min: number, max: number): number => {
    let n = 0;
    let j = p;
    while (j < value.length && j - p < max) {
      const c = value.charCodeAt(j);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      j++;
    }
    digits = j - p;
    if (digits < min) return -1;
    p = j;
    return n;
  };
  for (const tok of tokens(layout)) {
    if ('lit' in tok) {
      if (value[p] !== tok.lit) return undefined;
      p++;
      continue;
    }
    let n: number;
    switch (tok.dir) {
      case 'Y': if ((n = num(4, 4)) < 0) return undefined; year = n; break;
      case 'y': if ((n = num(2, 2)) < 0) return undefined; year = n < 69 ? 2000 + n : 1900 + n; break;
      case 'm': if ((n = num(1, 2)) < 0) return undefined; month = n; break;
      case 'd': if ((n = num(1, 2)) < 0) return undefined; day = n; break;
      case 'j': if ((n = num(1, 3)) < 0) return undefined; yday = n; break;
      case 'H': if ((n = num(1, 2)) < 0) return undefined; hour = n; break;
      case 'M': if ((n = num(1, 2)) < 0) return undefined; minute = n; break;
      case 'S': if ((n = num(1, 2)) < 0) return undefined; second = n; break;
      case 's': if ((n = num(1, 12)) < 0) return undefined; epochSeconds = n; break;
      case 'L': if ((n = num(3, 3)) < 0) return undefined; nanos = n * 1_000_000; break;
      case 'f': if ((n = num(1, 9)) < 0) return undefined; nanos = n * 10 ** (9 - digits); break;
      case 'b': {
        const idx = MONTHS.indexOf(value.slice(p, p + 3).toLowerCase());
        if (idx < 0) return undefined;
        month = idx + 1;
        p += 3;
        break;
      }
      case 'z': case 'Z': {
        if (value[p] === 'Z') { p++; break; }
        if (tok.dir === 'Z' && (value.startsWith('UTC', p) || value.startsWith('GMT', p))) { p += 3; break; }
        const sign = value[p] === '+' ? 1 : value[p] === '-' ? -1 : 0;
        if (sign === 0) return undefined;
        p++;
        const hh = num(2, 2);
        if (hh < 0) return undefined;
        if (value[p] === ':') p++;
        const mm = num(2, 2);
        offsetMin = sign * (hh * 60 + Math.max(0, mm));
        break;
      }
      case '%': if (value[p] !== '%') return undefined; p++; break;
      default: return undefined;
    }
  }
  if (p !== value.length) return undefined;
  if (epochSeconds >= 0) return BigInt(epochSeconds) * 1_000_000_000n + BigInt(nanos);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  let ms = yday > 0 ? Date.UTC(year, 0, yday, hour, minute, second) : Date.UTC(year, month - 1, day, hour, minute, second);
  ms -= offsetMin * 60_000;
  if (!Number.isFinite(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt(nanos);
}
