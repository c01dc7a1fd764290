/**
 * Everything the rules section loads at start: the user's rule files
 * (rules.files, relative to the config file's directory) and the default
 * pack, validated together so one run reports every problem. `check-config`
 * can call validateRulesConfig to surface the same problems without starting.
 */
import { readFileSync } from 'node:fs';
import type { RulesConfig } from './config';
import { applyDefaultPackConfig, findDefaultPackPath } from './default-pack';
import { resolveRuleFiles } from './files';
import { formatProblem, parseRuleFile, type RuleGroupSpec } from './rulefmt';

export interface LoadedRules {
  groups: RuleGroupSpec[];
  problems: string[];
  warnings: string[];
}

export interface LoadRulesOptions {
  config: RulesConfig;
  /** Directory relative rules.files entries resolve against (the config file's directory). */
  baseDir: string;
  /** Override the default pack's location (tests). */
  defaultPackPath?: string;
  /** More files of the default pack, loaded with it (e.g. the probes pack when receivers.probes is set). */
  extraPackFiles?: string[];
}

export function readRuleFile(file: string): { groups: RuleGroupSpec[]; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { groups: [], problems: [`${file}: cannot read rule file: ${(err as Error).message}`] };
  }
  const { groups, problems } = parseRuleFile(file, text);
  return { groups, problems: problems.map(formatProblem) };
}

export function loadRules(opts: LoadRulesOptions): LoadedRules {
  const { config, baseDir } = opts;
  const out: LoadedRules = { groups: [], problems: [], warnings: [] };
  const resolved = resolveRuleFiles(config.files, baseDir);
  for (const m of resolved.missing) {
    if (m.isGlob) out.warnings.push(`rules.files[${m.index}]: pattern ${JSON.stringify(m.entry)} matches no file (relative to ${baseDir})`);
    else out.problems.push(`rules.files[${m.index}]: no such file ${JSON.stringify(m.entry)} (relative to ${baseDir})`);
  }
  for (const file of resolved.files) {
    const r = readRuleFile(file);
    out.groups.push(...r.groups);
    out.problems.push(...r.problems);
  }
  if (config.default_pack.enabled) {
    let packPath: string;
    try {
      packPath = opts.defaultPackPath ?? findDefaultPackPath();
    } catch (err) {
      out.problems.push(`rules.default_pack: ${(err as Error).message}`);
      return out;
    }
    const pack = readRuleFile(packPath);
    out.problems.push(...pack.problems);
    for (const extra of opts.extraPackFiles ?? []) {
      const more = readRuleFile(extra);
      out.problems.push(...more.problems);
      pack.groups.push(...more.groups);
    }
    const applied = applyDefaultPackConfig(pack.groups, config.default_pack);
    out.problems.push(...applied.problems);
    out.groups.push(...applied.groups);
  } else if (config.default_pack.disabled_rules.length > 0 || Object.keys(config.default_pack.overrides).length > 0) {
    out.warnings.push('rules.default_pack: disabled_rules/overrides are ignored because enabled is false');
  }
  // The same group name in two files is fine (Prometheus keys groups by file and name).
  return out;
}

/** Problems in the rules section (missing files, invalid rules), as "key: message" lines. */
export function validateRulesConfig(config: RulesConfig, baseDir: string, extraPackFiles: string[] = []): string[] {
  return loadRules({ config, baseDir, extraPackFiles }).problems;
}
