/**
 * One compiled regular expression with Go's regexp semantics, on re2js (a
 * port of Go's regexp/RE2: linear time, Go's syntax, flags and errors).
 * The methods mirror the Go calls Prometheus and Alertmanager make:
 * MatchString (test), FindStringSubmatch (exec), ReplaceAllString
 * (replaceAll) and Expand (expand).
 */
import { RE2JS } from 're2js';
import { toRegexSyntaxError } from './errors';
import { expand, type MatchGroups } from './expand';

/** A match as FindStringSubmatch returns it, shaped like JavaScript's RegExpExecArray. */
export interface Submatch extends ReadonlyArray<string | undefined> {
  readonly 0: string;
  /** Where the match starts (UTF-16 code units). */
  readonly index: number;
  /** Named groups, when the pattern has any. */
  readonly groups?: Readonly<Record<string, string | undefined>>;
}

export class GoRegexp {
  private namesCache?: Readonly<Record<string, number>>;

  private constructor(
    /** The expression as compiled (for anchored matchers: `^(?:re)$`). */
    readonly source: string,
    private readonly re: RE2JS,
    private readonly fastTest?: (s: string) => boolean,
  ) {}

  /** regexp.Compile; throws RegexSyntaxError with Go's message. */
  static compile(expr: string, fastTest?: (s: string) => boolean): GoRegexp {
    let re: RE2JS;
    try {
      re = RE2JS.compile(expr);
    } catch (err) {
      throw toRegexSyntaxError(err, expr);
    }
    return new GoRegexp(expr, re, fastTest);
  }

  /** MatchString: whether s contains a match (for anchored expressions: is one). */
  test(s: string): boolean {
    return this.fastTest ? this.fastTest(s) : this.re.test(s);
  }

  /** FindStringSubmatch: the leftmost-first match and its groups, or null. */
  exec(s: string): Submatch | null {
    return this.re.exec(s) as Submatch | null;
  }

  /** Group index by name. */
  get names(): Readonly<Record<string, number>> {
    this.namesCache ??= { ...this.re.namedGroups() };
    return this.namesCache;
  }

  /** Expand: the template with `$1`, `${name}`… taken from a match of this expression. */
  expand(template: string, match: Submatch): string {
    return expand(template, { group: (i) => match[i], names: this.names });
  }

  /**
   * ReplaceAllString: every match replaced by the expanded template, with
   * Go's rule that an empty match right after a match is not replaced, and
   * the search advancing one character (code point) past an empty match.
   */
  replaceAll(src: string, template: string): string {
    const m = this.re.matcher(src);
    const count = m.groupCount();
    // Go expands a group number beyond the pattern's groups to nothing; re2js would throw.
    const groups: MatchGroups = { group: (i) => (i <= count ? m.group(i) ?? undefined : undefined), names: this.names };
    let out = '';
    let lastMatchEnd = 0;
    let searchPos = 0;
    while (searchPos <= src.length) {
      if (!m.find(searchPos)) break;
      const start = m.start();
      const end = m.end();
      out += src.slice(lastMatchEnd, start);
      if (end > lastMatchEnd || start === 0) out += expand(template, groups);
      lastMatchEnd = end;
      const width = searchPos < src.length ? codePointWidth(src, searchPos) : 0;
      if (searchPos + width > end) searchPos += width;
      else if (searchPos + 1 > end) searchPos++;
      else searchPos = end;
    }
    return out + src.slice(lastMatchEnd);
  }
}

/** UTF-16 code units of the code point at i (Go advances by one rune). */
function codePointWidth(s: string, i: number): number {
  return s.codePointAt(i)! > 0xffff ? 2 : 1;
}

