/**
 * Splits bytes read from a file into log entries: one per line, or with a
 * multiline start pattern one per group of lines beginning with a matching
 * line. An entry is only complete once the next one begins (or the file
 * stopped growing for force_flush_period), so the committed offset always
 * sits on an entry boundary and a restart never splits an entry.
 */
import type { GoRegexp } from '../../regex';

export interface Entry {
  text: string;
  /** Offset in the file just past this entry (what gets committed). */
  end: number;
  /** Split because it was longer than max_log_size. */
  truncated: boolean;
}

export interface SplitOptions {
  maxLogSize: number;
  maxEntries: number;
  lineStart?: GoRegexp;
  /** Emit an unterminated tail (the file stopped growing). */
  flush: boolean;
}

const NL = 0x0a;

function lineText(buf: Buffer, start: number, end: number): string {
  // CRLF files: the \r is part of the line ending, not of the entry.
  if (end > start && buf[end - 1] === 0x0d) end--;
  return buf.toString('utf8', start, end);
}

/** `buf` holds the file's bytes from `base`; returns complete entries in file order. */
export function splitEntries(buf: Buffer, base: number, opts: SplitOptions): Entry[] {
  return opts.lineStart ? splitMultiline(buf, base, opts, opts.lineStart) : splitLines(buf, base, opts);
}

function splitLines(buf: Buffer, base: number, opts: SplitOptions): Entry[] {
  const out: Entry[] = [];
  let pos = 0;
  while (out.length < opts.maxEntries && pos < buf.length) {
    const nl = buf.indexOf(NL, pos);
    const lineEnd = nl === -1 ? buf.length : nl;
    if (lineEnd - pos > opts.maxLogSize) {
      out.push({ text: buf.toString('utf8', pos, pos + opts.maxLogSize), end: base + pos + opts.maxLogSize, truncated: true });
      pos += opts.maxLogSize;
      continue;
    }
    if (nl === -1) {
      if (opts.flush) out.push({ text: lineText(buf, pos, buf.length), end: base + buf.length, truncated: false });
      break;
    }
    out.push({ text: lineText(buf, pos, nl), end: base + nl + 1, truncated: false });
    pos = nl + 1;
  }
  return out;
}

function splitMultiline(buf: Buffer, base: number, opts: SplitOptions, lineStart: GoRegexp): Entry[] {
  const out: Entry[] = [];
  let cur: { lines: string[]; bytes: number; end: number } | undefined;
  const close = (truncated: boolean) => {
    if (cur) out.push({ text: cur.lines.join('\n'), end: base + cur.end, truncated });
    cur = undefined;
  };
  let pos = 0;
  while (out.length < opts.maxEntries && pos < buf.length) {
    const nl = buf.indexOf(NL, pos);
    if (nl === -1 && !opts.flush) break;
    const lineEnd = nl === -1 ? buf.length : nl;
    const next = nl === -1 ? buf.length : nl + 1;
    const text = lineText(buf, pos, lineEnd);
    if (cur && lineStart.test(text)) close(false);
    if (cur && cur.bytes + text.length + 1 > opts.maxLogSize) close(true);
    if (!cur) {
      if (lineEnd - pos > opts.maxLogSize) {
        out.push({ text: buf.toString('utf8', pos, pos + opts.maxLogSize), end: base + pos + opts.maxLogSize, truncated: true });
        pos += opts.maxLogSize;
        continue;
      }
      cur = { lines: [], bytes: 0, end: next };
    }
    cur.lines.push(text);
    cur.bytes += text.length + 1;
    cur.end = next;
    pos = next;
  }
  // The last group is complete only when the file stopped growing: its next line may still come.
  if (cur && opts.flush && out.length < opts.maxEntries) close(false);
  return out;
}
