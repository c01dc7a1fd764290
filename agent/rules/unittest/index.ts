/**
 * `lookout test-rules FILE...`: promtool's rule unit tests (`promtool test
 * rules`), same file format, same verdicts, comparable output. See
 * agent/rules/README.md ("Unit-testing rules").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveRuleFiles } from '../files';
import { readRuleFile } from '../load';
import type { RuleGroupSpec } from '../rulefmt';
import { defaultTestStorage } from './backend';
import { runTestGroup, type StorageFactory } from './runner';
import { parseUnitTestFile } from './test-file';

export type { StorageFactory, TestStorage } from './runner';

export interface RuleTestResult {
  /** True when every test in every file passed. */
  ok: boolean;
  /** promtool-style report ("Unit Testing:  FILE", "  SUCCESS" or "  FAILED:" with details). */
  output: string;
}

/** The problems of one file, empty when it passed. */
async function testFile(file: string, storage: StorageFactory): Promise<string[]> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return [`cannot read ${file}: ${(err as Error).message}`];
  }
  let spec;
  try {
    spec = parseUnitTestFile(text);
  } catch (err) {
    return [(err as Error).message];
  }
  // rule_files are relative to the test file, globs allowed.
  const resolved = resolveRuleFiles(spec.rule_files, path.dirname(file));
  for (const m of resolved.missing) {
    if (!m.isGlob) return [`rule_files[${m.index}]: no such file ${JSON.stringify(m.entry)} (relative to ${path.dirname(file)})`];
  }
  const evalInterval = spec.evaluation_interval ?? 60_000;
  if (evalInterval <= 0) return ['evaluation_interval must be greater than 0'];
  const seen = new Set<string>();
  for (const g of spec.group_eval_order) {
    if (seen.has(g)) return [`group name repeated in evaluation order: ${g}`];
    seen.add(g);
  }
  const errs: string[] = [];
  for (const tg of spec.tests) {
    // Rule files are loaded per test group, as promtool does.
    const ruleGroups: RuleGroupSpec[] = [];
    const loadErrs: string[] = [];
    for (const f of resolved.files) {
      const r = readRuleFile(f);
      ruleGroups.push(...r.groups);
      loadErrs.push(...r.problems);
    }
    if (loadErrs.length > 0) { errs.push(...loadErrs); continue; }
    errs.push(...await runTestGroup(tg, { evalInterval, groupEvalOrder: spec.group_eval_order, ruleGroups, storage }));
  }
  return errs;
}

/**
 * Runs promtool-format unit-test files. Output mirrors promtool's (stdout and
 * stderr interleaved as a terminal shows them); ok is false if any test failed.
 */
export async function runRuleTests(files: string[], opts: { storage?: StorageFactory } = {}): Promise<RuleTestResult> {
  const storage = opts.storage ?? defaultTestStorage;
  let output = '';
  let ok = true;
  for (const file of files) {
    output += `Unit Testing:  ${file}\n`;
    const errs = await testFile(file, storage);
    if (errs.length > 0) {
      ok = false;
      output += '  FAILED:\n' + errs.map((e) => `${e}\n\n`).join('');
    } else {
      output += '  SUCCESS\n';
    }
    output += '\n';
    // Let the event loop breathe between files (large suites).
    await new Promise((r) => setImmediate(r));
  }
  return { ok, output };
}
