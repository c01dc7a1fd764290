/**
 * Literal text as Prometheus reads it: string literals unquoted like Go's
 * strconv.Unquote (plus single-quoted strings), numbers like its parser
 * (integers with Go base prefixes first, then floats, Inf/NaN in any case).
 */

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"',
};

/** Unquotes a PromQL string literal ("...", '...' or `...`); throws Error describing the problem. */
export function unquote(text: string): string {
  if (text.length < 2) throw new Error(`unterminated quoted string ${text}`);
  const q = text[0];
  if (text[text.length - 1] !== q) throw new Error(`unterminated quoted string ${text}`);
  const body = text.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new Error('invalid syntax');
    return body;
  }
  if (q !== '"' && q !== "'") throw new Error('invalid syntax');
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === q || c === '\n') throw new Error('invalid syntax');
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new Error('invalid syntax');
    if (e in SIMPLE_ESCAPES) {
      // A quote of the other kind may not be escaped in Go.
      if ((e === "'" && q === '"') || (e === '"' && q === "'")) throw new Error('invalid syntax');
      out += SIMPLE_ESCAPES[e];
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (hex.length !== len || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error('invalid syntax');
      const code = parseInt(hex, 16);
      if (e === 'x') out += String.fromCharCode(code);
      else {
        if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) throw new Error('invalid syntax');
        out += String.fromCodePoint(code);
      }
      i += len;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new Error('invalid syntax');
      const code = parseInt(oct, 8);
      if (code > 255) throw new Error('invalid syntax');
      out += String.fromCharCode(code);
      i += 2;
    } else {
      throw new Error('invalid syntax');
    }
  }
  return out;
}

/** Parses a number literal as Prometheus does; undefined when it is not a number. */
export function parseNumberLiteral(text: string): number | undefined {
  let sign = 1;
  let body = text;
  if (body[0] === '+' || body[0] === '-') {
    if (body[0] === '-') sign = -1;
    body = body.slice(1);
  }
  const lower = body.toLowerCase();
  if (lower === 'inf') return sign * Infinity;
  if (lower === 'nan') return NaN;
  // Go's strconv.ParseInt(s, 0, 64) comes first: base prefixes, a leading 0 meaning octal.
  let m: RegExpExecArray | null;
  if ((m = /^0[xX]((?:_?[0-9a-fA-F])+)$/.exec(body))) return sign * parseInt(m[1].replace(/_/g, ''), 16);
  if ((m = /^0[bB]((?:_?[01])+)$/.exec(body))) return sign * parseInt(m[1].replace(/_/g, ''), 2);
  if ((m = /^0[oO]?((?:_?[0-7])+)$/.exec(body))) return sign * parseInt(m[1].replace(/_/g, ''), 8);
  if (/^[0-9]+(?:_[0-9]+)*$/.test(body)) return sign * Number(body.replace(/_/g, ''));
  if (/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(body)) return sign * Number(body);
  return undefined;
}

/** Go's strconv.ParseFloat for bucket bounds ("+Inf", "0.5", "1e3"); undefined when invalid. */
export function parseGoFloat(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (lower === 'nan') return NaN;
  if (/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(text)) return Number(text);
  if (/^[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+$/.test(text)) {
    const neg = text.startsWith('-');
    const s = text.replace(/^[+-]/, '').slice(2);
    const [mant, exp] = s.split(/[pP]/);
    const [intPart, frac = ''] = mant.split('.');
    const v = (parseInt(intPart || '0', 16) + (frac ? parseInt(frac, 16) / 16 ** frac.length : 0)) * 2 ** Number(exp);
    return neg ? -v : v;
  }
  return undefined;
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64) (count_values label values), from the one Go-float module. */
export { formatGoFloatF as formatFloatPlain } from '../format/gofloat';

/** Prometheus' label name syntax (model.LabelNameRE). */
export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
