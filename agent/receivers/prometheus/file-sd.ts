/**
 * file_sd_configs: target groups read from JSON or YAML files (the format of
 * Prometheus' file-based discovery), re-read every refresh_interval. Only
 * the last path element may hold `*` / `?` wildcards, as in Prometheus.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { anchoredRegex, quoteMeta } from '../../regex';
import { staticConfigSchema, type TargetGroup } from './config';

const fileSchema = z.array(staticConfigSchema);

/** Paths matching one pattern (a wildcard in the last element only). */
export function expandFilePattern(pattern: string): string[] {
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  if (!/[*?]/.test(base)) return [pattern];
  const re = anchoredRegex(base.split('').map((ch) => (ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : quoteMeta(ch))).join(''));
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => re.test(n)).sort().map((n) => path.join(dir, n));
}

/** The target groups of one file; throws with the file name on a bad file. */
export function readTargetFile(file: string): TargetGroup[] {
  const text = readFileSync(file, 'utf8');
  const doc: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  const parsed = fileSchema.safeParse(doc ?? []);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  // Prometheus labels every group from a file with its path.
  return parsed.data.map((g) => ({ ...g, labels: { __meta_filepath: file, ...g.labels } }));
}
