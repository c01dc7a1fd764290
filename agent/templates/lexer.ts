/**
 * Tokens of Go's text/template syntax ("{{ ... }}" actions in text), with the
 * same token kinds and rules as Go's text/template/parse lexer (trim markers
 * "{{- " and " -}}", comments, fields, variables, Go literals), so the parser
 * can report Go's error messages at Go's positions.
 */

export type ItemType =
  | 'error' | 'bool' | 'char' | 'charConstant' | 'comment' | 'assign' | 'declare' | 'eof' | 'field'
  | 'identifier' | 'leftDelim' | 'leftParen' | 'number' | 'pipe' | 'rawString' | 'rightDelim'
  | 'rightParen' | 'space' | 'string' | 'text' | 'variable'
  // keywords
  | 'block' | 'break' | 'continue' | 'dot' | 'define' | 'else' | 'end' | 'if' | 'nil' | 'range' | 'template' | 'with';

export const KEYWORDS: Record<string, ItemType> = {
  '.': 'dot', block: 'block', break: 'break', continue: 'continue', define: 'define', else: 'else',
  end: 'end', if: 'if', nil: 'nil', range: 'range', template: 'template', with: 'with',
};
const KEYWORD_TYPES = new Set<ItemType>(Object.values(KEYWORDS));

export interface Item { type: ItemType; pos: number; val: string; line: number }

const LEFT = '{{';
const RIGHT = '}}';

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}
function isAlphaNumeric(c: string | undefined): boolean {
  return c !== undefined && c !== '' && /^[\p{L}\p{Nd}_]$/u.test(c);
}
function hasLeftTrimMarker(s: string, at: number): boolean {
  return s[at] === '-' && isSpace(s[at + 1]);
}
function hasRightTrimMarker(s: string, at: number): boolean {
  return isSpace(s[at]) && s[at + 1] === '-';
}

/** Go's item.String(), used in "unexpected X in Y" parse errors. */
export function itemString(i: Item): string {
  if (i.type === 'eof') return 'EOF';
  if (i.type === 'error') return i.val;
  if (KEYWORD_TYPES.has(i.type)) return `<${i.val}>`;
  const q = (s: string) => JSON.stringify(s);
  if ([...i.val].length > 10) return q([...i.val].slice(0, 10).join('')) + '...';
  return q(i.val);
}

/** Tokenizes a whole template; the last item is 'eof' or 'error'. */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  const lineAt = lineCounter(input);

  const emit = (type: ItemType) => {
    items.push({ type, pos: start, val: input.slice(start, pos), line: lineAt(start) });
    start = pos;
  };
  const ignore = () => { start = pos; };
  const advance = (n: number) => { pos += n; };
  const fail = (msg: string): false => {
    items.push({ type: 'error', pos: start, val: msg, line: lineAt(pos) });
    return false;
  };
  const peekChar = (): string | undefined => (pos < input.length ? String.fromCodePoint(input.codePointAt(pos)!) : undefined);
  const nextChar = (): string | undefined => {
    const c = peekChar();
    if (c !== undefined) advance(c.length);
    return c;
  };
  const atTerminator = (): boolean => {
    const c = peekChar();
    if (c === undefined || isSpace(c)) return true;
    if ('.,|:()'.includes(c)) return true;
    return input.startsWith(RIGHT, pos);
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(RIGHT, pos + 2)) return { delim: true, trim: true };
    if (input.startsWith(RIGHT, pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  };
  const leftTrimLength = (from: number) => {
    let n = 0;
    while (isSpace(input[from + n])) n++;
    return n;
  };

  // ---- states ----
  const lexText = (): boolean => {
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit('text');
      items.push({ type: 'eof', pos, val: '', line: lineAt(pos) });
      return false;
    }
    let textEnd = x;
    if (hasLeftTrimMarker(input, x + LEFT.length)) {
      while (textEnd > start && isSpace(input[textEnd - 1])) textEnd--;
    }
    advance(textEnd - pos);
    if (pos > start) emit('text');
    advance(x - pos);
    ignore();
    return lexLeftDelim();
  };

  const lexLeftDelim = (): boolean => {
    advance(LEFT.length);
    const trim = hasLeftTrimMarker(input, pos);
    const afterMarker = trim ? 2 : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      advance(afterMarker);
      ignore();
      return lexComment();
    }
    emit('leftDelim');
    advance(afterMarker);
    ignore();
    parenDepth = 0;
    return true; // inside action
  };

  const lexComment = (): boolean => {
    advance(2);
    const i = input.indexOf('*/', pos);
    if (i < 0) return fail('unclosed comment');
    advance(i + 2 - pos);
    const { delim, trim } = atRightDelim();
    if (!delim) return fail('comment ends before closing delimiter');
    // Comments are not kept (Go drops them unless ParseComments is set).
    if (trim) advance(2);
    advance(RIGHT.length);
    if (trim) advance(leftTrimLength(pos));
    ignore();
    return lexText();
  };

  const lexRightDelim = (trim: boolean): boolean => {
    if (trim) { advance(2); ignore(); }
    advance(RIGHT.length);
    emit('rightDelim');
    if (trim) { advance(leftTrimLength(pos)); ignore(); }
    return lexText();
  };

  const lexSpace = () => {
    let n = 0;
    while (isSpace(peekChar())) { nextChar(); n++; }
    // A space directly before "-}}" belongs to the trim marker.
    if (hasRightTrimMarker(input, pos - 1) && input.startsWith(RIGHT, pos + 1)) {
      pos--;
      if (n === 1) return;
    }
    emit('space');
  };

  const lexQuote = (): boolean => {
    for (;;) {
      const c = nextChar();
      if (c === '\\') {
        const d = nextChar();
        if (d !== undefined && d !== '\n') continue;
        return fail('unterminated quoted string');
      }
      if (c === undefined || c === '\n') return fail('unterminated quoted string');
      if (c === '"') break;
    }
    emit('string');
    return true;
  };
  const lexRawQuote = (): boolean => {
    const i = input.indexOf('`', pos);
    if (i < 0) return fail('unterminated raw quoted string');
    advance(i + 1 - pos);
    emit('rawString');
    return true;
  };
  const lexChar = (): boolean => {
    for (;;) {
      const c = nextChar();
      if (c === '\\') {
        const d = nextChar();
        if (d !== undefined && d !== '\n') continue;
        return fail('unterminated character constant');
      }
      if (c === undefined || c === '\n') return fail('unterminated character constant');
      if (c === "'") break;
    }
    emit('charConstant');
    return true;
  };
  const lexFieldOrVariable = (type: 'field' | 'variable'): boolean => {
    if (atTerminator()) {
      emit(type === 'variable' ? 'variable' : 'dot');
      return true;
    }
    let c: string | undefined;
    for (;;) {
      c = peekChar();
      if (!isAlphaNumeric(c)) break;
      nextChar();
    }
    if (!atTerminator()) return fail(`bad character ${goRuneDesc(c)}`);
    emit(type);
    return true;
  };
  const lexIdentifier = (): boolean => {
    while (isAlphaNumeric(peekChar())) nextChar();
    const word = input.slice(start, pos);
    if (!atTerminator()) return fail(`bad character ${goRuneDesc(peekChar())}`);
    const kw = KEYWORDS[word];
    if (kw) emit(kw);
    else if (word === 'true' || word === 'false') emit('bool');
    else emit('identifier');
    return true;
  };
  const lexNumber = (): boolean => {
    if (!scanNumber()) return fail(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
    emit('number');
    return true;
  };
  const accept = (valid: string): boolean => {
    const c = peekChar();
    if (c !== undefined && valid.includes(c)) { nextChar(); return true; }
    return false;
  };
  const acceptRun = (valid: string) => { while (accept(valid)) { /* absorb */ } };
  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) { accept('+-'); acceptRun('0123456789_'); }
    if (digits.length === 23 && accept('pP')) { accept('+-'); acceptRun('0123456789_'); }
    accept('i');
    if (isAlphaNumeric(peekChar())) { nextChar(); return false; }
    return true;
  };

  const lexInsideAction = (): boolean => {
    const { delim, trim } = atRightDelim();
    if (delim) {
      if (parenDepth === 0) return lexRightDelim(trim);
      return fail('unclosed left paren');
    }
    const c = nextChar();
    if (c === undefined) return fail('unclosed action');
    if (isSpace(c)) { pos -= c.length; lexSpace(); return true; }
    switch (c) {
      case '=': emit('assign'); return true;
      case ':':
        if (nextChar() !== '=') return fail('expected :=');
        emit('declare');
        return true;
      case '|': emit('pipe'); return true;
      case '"': return lexQuote();
      case '`': return lexRawQuote();
      case '$': return lexFieldOrVariable('variable');
      case "'": return lexChar();
      case '(': emit('leftParen'); parenDepth++; return true;
      case ')':
        // Go emits the paren before reporting the imbalance, so the parser
        // reports 'unexpected ")" in command'.
        emit('rightParen');
        parenDepth--;
        if (parenDepth < 0) return fail(`unexpected right paren ${goRuneDesc(c)}`);
        return true;
    }
    if (c === '.') {
      const n = input[pos];
      if (pos < input.length && (n < '0' || n > '9')) return lexFieldOrVariable('field');
    }
    if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
      pos -= 1;
      return lexNumber();
    }
    if (isAlphaNumeric(c)) { pos -= c.length; return lexIdentifier(); }
    const code = c.codePointAt(0)!;
    if (code <= 0x7f && code >= 0x20 && code !== 0x7f) { emit('char'); return true; }
    return fail(`unrecognized character in action: ${goRuneDesc(c)}`);
  };

  // Each state function returns true while inside an action: after "}}" the
  // text state runs and reports whether another action started.
  if (lexText()) {
    while (lexInsideAction()) { /* next token */ }
  }
  return items;
}

/** A function giving the 1-based line of a byte offset. */
export function lineCounter(input: string): (pos: number) => number {
  const starts: number[] = [];
  for (let i = input.indexOf('\n'); i >= 0; i = input.indexOf('\n', i + 1)) starts.push(i);
  return (pos: number) => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < pos) lo = mid + 1; else hi = mid;
    }
    return lo + 1;
  };
}

/** Go's %#U of a rune: U+0021 '!' */
function goRuneDesc(c: string | undefined): string {
  if (c === undefined) return 'U+FFFFFFFF';
  const code = c.codePointAt(0)!;
  const hex = 'U+' + code.toString(16).toUpperCase().padStart(4, '0');
  return code >= 0x20 && code !== 0x7f ? `${hex} '${c}'` : hex;
}
