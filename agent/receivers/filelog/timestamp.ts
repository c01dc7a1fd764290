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

/** Parses `value` against a strptime layout; undefined when it does not match. */
export function parseStrptime(value: string, layout: string): bigint | undefined {
  let year = 1970; let month = 1; let day = 1; let hour = 0; let minute = 0; let second = 0;
  let nanos = 0n; let offsetMin = 0; let yday = 0; let epochSeconds: bigint | undefined;
  let p = 0;
  const num = (min: number, max: number): number | undefined => {
    let j = p;
    while (j < value.length && j - p < max && value.charCodeAt(j) >= 48 && value.charCodeAt(j) <= 57) j++;
    if (j - p < min) return undefined;
    const n = Number(value.slice(p, j));
    p = j;
    return n;
  };
  const expand = layout.replace(/%T/g, '%H:%M:%S').replace(/%F/g, '%Y-%m-%d');
  for (let i = 0; i < expand.length; i++) {
    const c = expand[i];
    if (c !== '%') {
      if (value[p] !== c) return undefined;
      p++;
      continue;
    }
    const d = expand[++i];
    let n: number | undefined;
    switch (d) {
      case 'Y': n = num(4, 4); if (n === undefined) return undefined; year = n; break;
      case 'y': n = num(2, 2); if (n === undefined) return undefined; year = n < 69 ? 2000 + n : 1900 + n; break;
      case 'm': n = num(1, 2); if (n === undefined) return undefined; month = n; break;
      case 'd': n = num(1, 2); if (n === undefined) return undefined; day = n; break;
      case 'j': n = num(1, 3); if (n === undefined) return undefined; yday = n; break;
      case 'H': n = num(1, 2); if (n === undefined) return undefined; hour = n; break;
      case 'M': n = num(1, 2); if (n === undefined) return undefined; minute = n; break;
      case 'S': n = num(1, 2); if (n === undefined) return undefined; second = n; break;
      case 's': n = num(1, 12); if (n === undefined) return undefined; epochSeconds = BigInt(n); break;
      case 'L': n = num(3, 3); if (n === undefined) return undefined; nanos = BigInt(n) * 1_000_000n; break;
      case 'f': {
        const start = p;
        n = num(1, 9);
        if (n === undefined) return undefined;
        nanos = BigInt(value.slice(start, p).padEnd(9, '0'));
        break;
      }
      case 'b': {
        const idx = MONTHS.indexOf(value.slice(p, p + 3).toLowerCase());
        if (idx < 0) return undefined;
        month = idx + 1;
        p += 3;
        break;
      }
      case 'z': case 'Z': {
        if (value[p] === 'Z') { p++; break; }
        if (d === 'Z' && value.startsWith('UTC', p)) { p += 3; break; }
        if (d === 'Z' && value.startsWith('GMT', p)) { p += 3; break; }
        const sign = value[p] === '+' ? 1 : value[p] === '-' ? -1 : 0;
        if (sign === 0) return undefined;
        p++;
        const hh = num(2, 2);
        if (hh === undefined) return undefined;
        if (value[p] === ':') p++;
        const mm = num(2, 2) ?? 0;
        offsetMin = sign * (hh * 60 + mm);
        break;
      }
      case '%': if (value[p] !== '%') return undefined; p++; break;
      default: return undefined;
    }
  }
  if (p !== value.length) return undefined;
  if (epochSeconds !== undefined) return epochSeconds * 1_000_000_000n + nanos;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  let ms = yday > 0 ? Date.UTC(year, 0, yday, hour, minute, second) : Date.UTC(year, month - 1, day, hour, minute, second);
  ms -= offsetMin * 60_000;
  if (!Number.isFinite(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + nanos;
}
