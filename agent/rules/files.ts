/**
 * rules.files entries to file paths: relative entries resolve against the
 * config file's directory, and each entry may be a glob with the syntax of
 * Go's filepath.Glob (Prometheus' rule_files): * ? and [...] within one path
 * segment, no "**". Results are sorted, as Go returns them.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const MAGIC = /[*?[\\]/;

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) throw new Error(`syntax error in pattern ${JSON.stringify(seg)}: unclosed [`);
      let cls = seg.slice(i + 1, end);
      if (cls.startsWith('^')) cls = '^' + cls.slice(1).replace(/\\/g, '\\\\');
      else cls = cls.replace(/\\/g, '\\\\');
      re += `[${cls}]`;
      i = end;
    } else if (c === '\\' && i + 1 < seg.length) {
      re += seg[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** filepath.Glob: matching paths, sorted; a pattern without magic characters matches itself if it exists. */
export function glob(pattern: string): string[] {
  if (!MAGIC.test(pattern)) return existsSync(pattern) ? [pattern] : [];
  const parsed = path.parse(pattern);
  const root = parsed.root;
  const segments = pattern.slice(root.length).split(/[\\/]+/).filter((s) => s !== '');
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
      const re = segmentRegex(seg);
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
