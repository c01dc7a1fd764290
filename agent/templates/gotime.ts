/**
 * Go's time.Time.Format for the UTC times templates see (alerts' StartsAt
 * and EndsAt, Prometheus' toTime): Go's reference-time layouts
 * ("2006-01-02 15:04:05", time.RFC3339, "Jan _2 3:04PM MST", fractional
 * ".000"/".999"), chunk for chunk as Go's nextStdChunk reads them. Times
 * have millisecond resolution, so digits after the third are zeros.
 */

const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** Reads one layout element at i: [rendered text, characters consumed], or undefined for a literal character. */
function chunk(layout: string, i: number, d: Date): [string, number] | undefined {
  const rest = layout.slice(i);
  const at = (s: string) => rest.startsWith(s);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  const hour = d.getUTCHours();
  switch (layout[i]) {
    case 'J':
      if (at('January')) return [LONG_MONTHS[month], 7];
      if (at('Jan')) return [LONG_MONTHS[month].slice(0, 3), 3];
      break;
    case 'M':
      if (at('Monday')) return [LONG_DAYS[d.getUTCDay()], 6];
      if (at('Mon')) return [LONG_DAYS[d.getUTCDay()].slice(0, 3), 3];
      if (at('MST')) return ['UTC', 3];
      break;
    case '0':
      if (at('002')) return [pad(dayOfYear(d), 3), 3];
      if (at('01')) return [pad(month + 1, 2), 2];
      if (at('02')) return [pad(day, 2), 2];
      if (at('03')) return [pad(hour % 12 === 0 ? 12 : hour % 12, 2), 2];
      if (at('04')) return [pad(d.getUTCMinutes(), 2), 2];
      if (at('05')) return [pad(d.getUTCSeconds(), 2), 2];
      if (at('06')) return [pad(year % 100, 2), 2];
      break;
    case '1':
      if (at('15')) return [pad(hour, 2), 2];
      return [String(month + 1), 1];
    case '2':
      if (at('2006')) return [pad(year, 4), 4];
      return [String(day), 1];
    case '_':
      if (at('_2006')) return ['_' + pad(year, 4), 5];
      if (at('__2')) return [String(dayOfYear(d)).padStart(3, ' '), 3];
      if (at('_2')) return [String(day).padStart(2, ' '), 2];
      break;
    case '3': return [String(hour % 12 === 0 ? 12 : hour % 12), 1];
    case '4': return [String(d.getUTCMinutes()), 1];
    case '5': return [String(d.getUTCSeconds()), 1];
    case 'P': if (at('PM')) return [hour >= 12 ? 'PM' : 'AM', 2]; break;
    case 'p': if (at('pm')) return [hour >= 12 ? 'pm' : 'am', 2]; break;
    case '-':
      for (const [l, v] of [['-07:00:00', '+00:00:00'], ['-070000', '+000000'], ['-0700', '+0000'], ['-07:00', '+00:00'], ['-07', '+00']]) if (at(l)) return [v, l.length];
      break;
    case 'Z':
      for (const l of ['Z07:00:00', 'Z070000', 'Z0700', 'Z07:00', 'Z07']) if (at(l)) return ['Z', l.length];
      break;
    case '.': case ',': {
      const m = /^[.,](0+|9+)/.exec(rest);
      if (m && !/[0-9]/.test(rest[m[0].length] ?? '')) {
        const digits = m[1].length;
        const frac = (pad(d.getUTCMilliseconds(), 3) + '0'.repeat(Math.max(0, digits - 3))).slice(0, digits);
        if (m[1][0] === '0') return [layout[i] + frac, m[0].length];
        const trimmed = frac.replace(/0+$/, '');
        return [trimmed ? layout[i] + trimmed : '', m[0].length];
      }
      break;
    }
  }
  return undefined;
}

export function formatGoLayout(ms: number, layout: string): string {
  const d = new Date(ms);
  let out = '';
  for (let i = 0; i < layout.length;) {
    const c = chunk(layout, i, d);
    if (c) { out += c[0]; i += c[1]; } else { out += layout[i]; i++; }
  }
  return out;
}
