/**
 * Go html/template's contextual autoescaping, done while the template runs:
 * static text is scanned with a small HTML state machine (text, tags,
 * attribute values by kind, comments, raw-text elements) and every printed
 * value is escaped for the context it lands in, with Go's escapers and
 * their exact output (`&#34;` `&#39;` `&#43;`, `%xx` in lower case,
 * `#ZgotmplZ` for a URL with an unsafe scheme). Comments in the template
 * text are dropped, as Go drops them. `safeHtml` values pass unescaped in
 * HTML text.
 *
 * Go decides contexts statically (it rejects a template whose branches end
 * in different contexts); here the branch actually taken decides. Values in
 * <script>/<style> elements and in on*=/style= attributes get a strict
 * fallback (JS string quoting; CSS values other than plain words become
 * ZgotmplZ) rather than Go's full JS/CSS grammars: notification templates do
 * not put values there in practice.
 */
import type { OutputEscaper } from './exec';
import { formatValue } from './gofmt';
import { GoNamedString, type GoValue } from './values';

type State = 'text' | 'tag' | 'attrName' | 'afterName' | 'beforeValue' | 'value' | 'comment' | 'raw';
type AttrKind = 'normal' | 'url' | 'js' | 'css';

const HTML_TABLE: Record<string, string> = {
  '\0': '\uFFFD', '"': '&#34;', '&': '&amp;', "'": '&#39;', '+': '&#43;', '<': '&lt;', '>': '&gt;',
};
const NOSPACE_TABLE: Record<string, string> = {
  ...HTML_TABLE, '\t': '&#9;', '\n': '&#10;', '\v': '&#11;', '\f': '&#12;', '\r': '&#13;', ' ': '&#32;', '=': '&#61;', '`': '&#96;',
};

const HTML_SPECIAL = /[\0"&'+<>]/;
const NOSPACE_SPECIAL = /[\0"&'+<>\t\n\v\f\r =`]/;

export function htmlEscapeGo(s: string, table: Record<string, string> = HTML_TABLE): string {
  if (!(table === HTML_TABLE ? HTML_SPECIAL : NOSPACE_SPECIAL).test(s)) return s;
  let out = '';
  for (const ch of s) out += table[ch] ?? ch;
  return out;
}

const URL_NORMALIZED = /^[A-Za-z0-9\-._~!#$&*+,/:;=?@[\]%]*$/;
const URL_UNRESERVED = /^[A-Za-z0-9\-._~]*$/;

/** Go's processURLOnto: %xx-encodes bytes outside RFC 3986's sets; `normalize` keeps reserved characters and existing escapes. */
export function urlProcess(s: string, normalize: boolean): string {
  if ((normalize ? URL_NORMALIZED : URL_UNRESERVED).test(s)) return s;
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (normalize && /[!#$&*+,/:;=?@[\]%]/.test(c))) out += c;
    else out += '%' + byte.toString(16).padStart(2, '0');
  }
  return out;
}

/** Go's isSafeURL: no scheme, or http, https or mailto. */
function safeURL(s: string): boolean {
  const i = s.indexOf(':');
  if (i < 0) return true;
  const scheme = s.slice(0, i);
  if (scheme.includes('/')) return true;
  return ['http', 'https', 'mailto'].includes(scheme.toLowerCase());
}

const URL_ATTRS = new Set([
  'action', 'archive', 'background', 'cite', 'classid', 'codebase', 'data', 'formaction', 'href', 'icon', 'longdesc',
  'manifest', 'poster', 'profile', 'src', 'usemap', 'xmlns',
]);
const RAW_ELEMENTS = new Set(['script', 'style', 'textarea', 'title']);

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
function isTagStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 47;
}
/** Letters, digits, '/', ':' and '-' (tag names like h1, svg:rect, my-el). */
function isNameChar(c: number): boolean {
  return isTagStart(c) || (c >= 48 && c <= 58) || c === 45;
}

function attrKind(name: string): AttrKind {
  let n = name.toLowerCase();
  if (n.startsWith('data-')) n = n.slice(5);
  else if (n.includes(':')) n = n.slice(n.indexOf(':') + 1);
  if (n.startsWith('on')) return 'js';
  if (n === 'style') return 'css';
  if (URL_ATTRS.has(n) || n.includes('src') || n.includes('uri') || n.includes('url')) return 'url';
  return 'normal';
}

export class HtmlEscaper implements OutputEscaper {
  private state: State = 'text';
  private tagName = '';
  private readingTagName = false;
  private attrName = '';
  private kind: AttrKind = 'normal';
  private quote = '';
  private urlPart: 'none' | 'pre' | 'query' = 'none';
  /** The raw-text element (<title>, <script>...) whose end tag ends the raw state. */
  private rawElement = '';
  private pending = '';
  private applied: ReadonlySet<string> = new Set();

  text(text: string): string {
    let out = '';
    const s = this.pending + text;
    this.pending = '';
    // Runs of plain text (outside tags) and of attribute values are copied in one slice; only markup is read char by char.
    let i = 0;
    while (i < s.length) {
      switch (this.state) {
        case 'comment': {
          const end = s.indexOf('-->', i);
          if (end < 0) {
            // Keep a partial "--" so a terminator split across text nodes is still found.
            this.pending = s.endsWith('--') ? '--' : s.endsWith('-') ? '-' : '';
            return out;
          }
          i = end + 3;
          this.state = 'text';
          continue;
        }
        case 'text': {
          const lt = s.indexOf('<', i);
          if (lt < 0) return out + s.slice(i);
          out += s.slice(i, lt);
          i = lt;
          if (s.startsWith('<!--', i)) { this.state = 'comment'; i += 4; continue; }
          if (isTagStart(s.charCodeAt(i + 1))) this.openTag();
          out += '<';
          i++;
          continue;
        }
        case 'raw': {
          const lt = s.indexOf('<', i);
          if (lt < 0) return out + s.slice(i);
          out += s.slice(i, lt + 1);
          if (s.slice(lt + 1, lt + 2 + this.rawElement.length).toLowerCase() === '/' + this.rawElement) this.openTag();
          i = lt + 1;
          continue;
        }
        case 'value': {
          let end: number;
          if (this.quote) {
            end = s.indexOf(this.quote, i);
          } else {
            end = i;
            while (end < s.length && !isSpace(s.charCodeAt(end)) && s[end] !== '>') end++;
          }
          const stop = end < 0 ? s.length : end;
          const run = s.slice(i, stop);
          if (this.kind === 'url' && run.length > 0) {
            if (run.includes('?') || run.includes('#')) this.urlPart = 'query';
            else if (this.urlPart === 'none') this.urlPart = 'pre';
          }
          out += run;
          i = stop;
          if (i >= s.length) return out;
          const c = s[i];
          out += c;
          i++;
          this.state = 'tag';
          if (c === '>') this.endTag();
          continue;
        }
        default: {
          const c = s[i];
          out += c;
          i++;
          this.markup(c);
        }
      }
    }
    return out;
  }

  private openTag() {
    this.state = 'tag';
    this.tagName = '';
    this.readingTagName = true;
  }

  /** One character inside a tag but outside attribute values. */
  private markup(c: string) {
    switch (this.state) {
      case 'tag':
        if (this.readingTagName) {
          if (isNameChar(c.charCodeAt(0))) { this.tagName += c; return; }
          this.readingTagName = false;
        }
        this.inTag(c);
        return;
      case 'attrName':
        if (isSpace(c.charCodeAt(0)) || c === '=' || c === '>' || c === '/') { this.state = 'afterName'; this.afterName(c); } else this.attrName += c;
        return;
      case 'afterName':
        this.afterName(c);
        return;
      case 'beforeValue':
        if (isSpace(c.charCodeAt(0))) return;
        this.startValue(c);
        // startValue consumed an unquoted value's first character: a URL value's part follows from it.
        return;
    }
  }

  private inTag(c: string) {
    if (c === '>') { this.endTag(); return; }
    if (isSpace(c.charCodeAt(0)) || c === '/') return;
    this.state = 'attrName';
    this.attrName = c;
  }

  private afterName(c: string) {
    if (c === '=') { this.state = 'beforeValue'; return; }
    if (c === '>') { this.endTag(); return; }
    if (isSpace(c.charCodeAt(0)) || c === '/') return;
    this.state = 'attrName';
    this.attrName = c;
  }

  private startValue(c: string) {
    this.kind = attrKind(this.attrName);
    this.urlPart = 'none';
    this.state = 'value';
    if (c === '"' || c === "'") { this.quote = c; return; }
    this.quote = '';
    if (c === '>') { this.state = 'text'; this.endTag(); return; }
    if (this.kind === 'url') this.urlPart = c === '?' || c === '#' ? 'query' : 'pre';
  }

  private endTag() {
    const name = this.tagName.toLowerCase();
    this.state = 'text';
    if (RAW_ELEMENTS.has(name)) { this.state = 'raw'; this.rawElement = name; }
  }

  value(v: GoValue, applied: ReadonlySet<string> = new Set()): string {
    this.applied = applied;
    const safeHtml = v instanceof GoNamedString && v.type === 'template.HTML';
    const s = v === undefined || v === null ? '' : formatValue(v);
    switch (this.state) {
      case 'text':
        return safeHtml || this.applied.has('html') ? s : htmlEscapeGo(s);
      case 'raw':
        if (this.rawElement === 'script') return htmlEscapeGo(JSON.stringify(s));
        if (this.rawElement === 'style') return /^[\w\s#.,%-]*$/.test(s) ? s : 'ZgotmplZ';
        return htmlEscapeGo(s);
      case 'comment':
        return '';
      case 'value':
        return this.attrValue(s);
      case 'beforeValue':
        // A value starting an unquoted attribute value.
        this.startValue('x');
        this.state = 'value';
        return this.attrValue(s);
      default:
        // Inside a tag, outside attribute values (Go allows only attribute names here).
        return /^[A-Za-z0-9-]+$/.test(s) ? s : 'ZgotmplZ';
    }
  }

  private attrValue(s: string): string {
    const table = this.quote ? HTML_TABLE : NOSPACE_TABLE;
    const urlDone = this.applied.has('urlquery');
    let v = s;
    switch (this.kind) {
      case 'url':
        if (this.urlPart === 'none') {
          v = !safeURL(v) ? '#ZgotmplZ' : urlDone ? v : urlProcess(v, true);
          this.urlPart = 'pre';
        } else if (!urlDone) v = urlProcess(v, this.urlPart === 'pre');
        break;
      case 'js': v = JSON.stringify(v); break;
      case 'css': v = /^[\w\s#.,%-]*$/.test(v) ? v : 'ZgotmplZ'; break;
    }
    return this.applied.has('html') ? v : htmlEscapeGo(v, table);
  }
}
