/**
 * rules.files entries to file paths: relative entries resolve against the
 * config file's directory, and each entry may be a glob with the syntax of
 * Go's filepath.Glob (Prometheus' rule_files): * ? and [...] within one path
 * segment, no "**". Results are sorted, as Go returns them.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { anchoredRegex, quoteMeta, type GoRegexp } from '../regex';

const MAGIC = /[*?[\\]/;

const ANY_CHAR = '[\\x{0}-\\x{10ffff}]';
const NO_CHAR = '[^\\x{0}-\\x{10ffff}]';
const hex = (ch: string) => `\\x{${ch.codePointAt(0)!.toString(16)}}`;

/** Go's getEsc: one class character, `\\` escaping the next; an unescaped `-` or `]` is malformed. */
function classChar(seg: string, i: number): [string, number] {
  let ch = String.fromCodePoint(seg.codePointAt(i) ?? 0);
  if (i >= seg.length || ch === '-' || ch === ']') throw new Error(`syntax error in pattern ${JSON.stringify(seg)}`);
  if (ch === '\\') {
    i++;
    if (i >= seg.length) throw new Error(`syntax error in pattern ${JSON.stringify(seg)}`);
    ch = String.fromCodePoint(seg.codePointAt(i)!);
  }
  return [ch, i + ch.length];
}

/**
 * One path segment of a filepath.Match pattern as an anchored RE2 matcher
 * (agent/regex): `*` and `?` never cross a separator, `[a-z]` / `[^a-z]`
 * are classes whose characters are written as \x{hex}, so nothing in a file
 * name can change the pattern's meaning.
 */
function segmentMatcher(seg: string): GoRegexp {
  let re = '';
  for (let i = 0; i < seg.length;) {
    const c = seg[i];
    if (c === '*') { re += '[^/]*'; i++; continue; }
    if (c === '?') { re += '[^/]'; i++; continue; }
    if (c === '[') {
      i++;
      const negated = seg[i] === '^';
      if (negated) i++;
      let items = '';
      let ranges = 0;
      while (!(seg[i] === ']' && ranges > 0)) {
        let lo: string;
        let hi: string;
        [lo, i] = classChar(seg, i);
        hi = lo;
        if (seg[i] === '-') [hi, i] = classChar(seg, i + 1);
        // Go accepts a reversed range and it matches nothing; RE2 would refuse it.
        if (lo.codePointAt(0)! <= hi.codePointAt(0)!) items += lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`;
        ranges++;
      }
      i++;
      if (items === '') re += negated ? ANY_CHAR : NO_CHAR;
      else re += `[${negated ? '^' : ''}${items}]`;
      continue;
    }
    let ch = String.fromCodePoint(seg.codePointAt(i)!);
    if (ch === '\\') {
      if (++i >= seg.length) throw new Error(`syntax error in pattern ${JSON.stringify(seg)}: trailing backslash`);
      ch = String.fromCodePoint(seg.codePointAt(i)!);
    }
    re += quoteMeta(ch);
    i += ch.length;
  }
  try {
    return anchoredRegex(re);
  } catch (err) {
    throw new Error(`syntax error in pattern ${JSON.stringify(seg)}: ${(err as Error).message}`);
  }
}

/** filepath.Glob: matching paths, sorted; a pattern without magic characters matches itself if it exists. */
export function glob(pattern: string): string[] {
  if (!MAGIC.test(pattern)) return existsSync(pattern) ? [pattern] : [];
  const parsed = path.parse(pattern);
  const root = parsed.root;
  const segments = pattern.slice(root.length).split(path.sep === '\\' ? /[\\/]+/ : /\/+/).filter((s) => s !== '');
  let candidates = [root || '.'];
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    const next: string[] = [];
    for (const dir of candidates) {
      if (!MAGIC.test(seg)) {
        const p = dir === '.' && !root ? seg : path.join(dir, seg);
        if (existsSync(p)) next.push(p);
        continue;
      }
      let entries: string[];
      try {
        if (!statSync(dir).isDirectory()) continue;
        entries = readdirSync(dir);
      } catch {
        continue;
      }
      const re = segmentMatcher(seg);
      for (const e of entries.sort()) {
        if (!re.test(e)) continue;
        const p = dir === '.' && !root ? e : path.join(dir, e);
        if (!last) {
          try { if (!statSync(p).isDirectory()) continue; } catch { continue; }
        }
        next.push(p);
      }
    }
    candidates = next;
  });
  return candidates.sort();
}

export interface ResolvedRuleFiles {
  files: string[];
  /** Entries that matched nothing: a missing plain path is an error, an empty glob a warning. */
  missing: { entry: string; index: number; isGlob: boolean }[];
}

/** Resolves rules.files entries against baseDir (the config file's directory). */
export function resolveRuleFiles(entries: string[], baseDir: string): ResolvedRuleFiles {
  const files: string[] = [];
  const missing: ResolvedRuleFiles['missing'] = [];
  entries.forEach((entry, index) => {
    const abs = path.isAbsolute(entry) ? entry : path.join(baseDir, entry);
    const matches = glob(abs);
    if (matches.length === 0) missing.push({ entry, index, isGlob: MAGIC.test(entry) });
    for (const m of matches) if (!files.includes(m)) files.push(m);
  });
  return { files, missing };
}
