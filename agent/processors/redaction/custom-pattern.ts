/**
 * A user-supplied pattern (blocked_values): validated with Go's syntax by
 * agent/regex when the config loads, matched here with re2js (linear time)
 * through its matcher, which gives every match's position. With a capture
 * group only group 1 is replaced (`password=(\S+)` keeps `password=`).
 */
import { RE2JS } from 're2js';
import { compileRegex } from '../../regex';
import type { Replace } from './patterns';

export class CustomPattern {
  private readonly re: RE2JS;

  constructor(readonly name: string, readonly source: string) {
    compileRegex(source); // Go's error message when invalid (the schema checked it already)
    this.re = RE2JS.compile(source);
  }

  redact(s: string, replace: Replace): string {
    const m = this.re.matcher(s);
    const group = m.groupCount() >= 1 ? 1 : 0;
    let out = '';
    let last = 0;
    let pos = 0;
    while (pos <= s.length && m.find(pos)) {
      const start = m.start(group);
      const end = m.end(group);
      const matchEnd = m.end();
      if (start >= last && end > start) {
        out += s.slice(last, start) + replace(s.slice(start, end));
        last = end;
      }
      pos = matchEnd > m.start() ? matchEnd : m.start() + 1;
    }
    return last === 0 ? s : out + s.slice(last);
  }
}
