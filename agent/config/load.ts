/**
 * Loading a config file: YAML parse, ${ENV} expansion, schema validation.
 * Every problem is reported as "path.to.key: message", all at once, so a
 * user fixes a file in one pass rather than one error per run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type LookoutConfig } from './schema';
import { expandEnv, type EnvProblem } from './envsubst';

export interface ConfigProblem { path: string; message: string }

export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: ConfigProblem[]) {
    super(`invalid configuration ${source}:\n` + problems.map((p) => `  ${p.path}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: LookoutConfig;
  /** Directory relative paths in the config (rule files, secrets) resolve against. */
  baseDir: string;
  /** The file it came from, or "(embedded default)". */
  source: string;
  /** The document as written, ${ENV} expanded (masked views of the config walk it with the schema). */
  raw?: unknown;
}

/** Suggests the closest allowed key for a typo (edit distance <= 2). */
function closest(key: string, allowed: string[]): string | undefined {
  let best: string | undefined;
  let bestDist = 3;
  for (const cand of allowed) {
    const d = editDistance(key, cand);
    if (d < bestDist) { bestDist = d; best = cand; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

function knownKeys(schema: unknown, pathParts: PropertyKey[]): string[] {
  // Walks the zod schema along the path to list the keys allowed there.
  let s = schema as { def?: Record<string, unknown>; shape?: Record<string, unknown> } | undefined;
  const unwrap = () => {
    for (let i = 0; i < 10 && s?.def && !s.shape; i++) {
      const d = s.def as { innerType?: unknown; in?: unknown; schema?: unknown; getter?: () => unknown; element?: unknown };
      s = (d.innerType ?? d.in ?? d.schema ?? d.getter?.() ?? d.element) as typeof s;
    }
  };
  unwrap();
  for (const p of pathParts) {
    if (typeof p === 'number') {
      const el = (s?.def as { element?: unknown } | undefined)?.element;
      if (el) { s = el as typeof s; unwrap(); }
      continue;
    }
    if (!s?.shape) return [];
    s = s.shape[String(p)] as typeof s;
    unwrap();
  }
  return s?.shape ? Object.keys(s.shape) : [];
}

/** a.b[0].c, as users write paths into YAML documents. */
export function formatPath(parts: readonly PropertyKey[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

export function formatZodIssues(error: z.ZodError, rootSchema: unknown = configSchema): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const base = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const allowed = knownKeys(rootSchema, issue.path);
      for (const key of issue.keys) {
        const hint = closest(key, allowed);
        problems.push({
          path: formatPath([...issue.path, key]),
          message: `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}${allowed.length ? `; allowed here: ${allowed.join(', ')}` : ''}`,
        });
      }
    } else if (issue.code === 'invalid_union' && 'errors' in issue && bestUnionBranch(issue.errors)) {
      // The branch the value was meant for (the one that got furthest), with its own paths.
      const branch = bestUnionBranch(issue.errors)!.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
      problems.push(...formatZodIssues({ issues: branch } as unknown as z.ZodError, rootSchema));
    } else {
      problems.push({ path: base || '(root)', message: issue.message });
    }
  }
  return problems;
}

/**
 * Of a union's failed branches, the one whose issues lie deepest (the value
 * matched its shape and failed inside); undefined when every branch failed
 * at the value itself (then the union's own message says it best).
 */
function bestUnionBranch(errors: readonly (readonly z.core.$ZodIssue[])[]): z.core.$ZodIssue[] | undefined {
  let best: z.core.$ZodIssue[] | undefined;
  let depth = 0;
  for (const branch of errors) {
    const d = Math.max(0, ...branch.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 1)));
    if (d > depth) { depth = d; best = [...branch]; }
  }
  return best;
}

/** Validates an already-parsed document (tests, embedded default). Throws ConfigError. */
export function validateConfig(doc: unknown, source: string, env: NodeJS.ProcessEnv = process.env): LookoutConfig {
  const envProblems: EnvProblem[] = [];
  const expanded = expandEnv(doc ?? {}, env, envProblems);
  const result = configSchema.safeParse(expanded);
  const problems: ConfigProblem[] = [...envProblems];
  if (!result.success) problems.push(...formatZodIssues(result.error));
  if (problems.length) throw new ConfigError(source, problems);
  return result.data!;
}

export function parseConfigText(text: string, source: string, env: NodeJS.ProcessEnv = process.env): LookoutConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(source, doc.errors.map((e) => ({
      path: `(line ${e.linePos?.[0]?.line ?? '?'})`,
      message: e.message.split('\n')[0],
    })));
  }
  // yaml turns a self-referencing alias into a cyclic object, which every later step would recurse into.
  const cycle = aliasCycle(doc);
  if (cycle) throw new ConfigError(source, [cycle]);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    // E.g. a billion-laughs document: more aliases than maxAliasCount.
    throw new ConfigError(source, [{ path: '(document)', message: `cannot read the YAML: ${(err as Error).message}` }]);
  }
  return validateConfig(value, source, env);
}

/** The first alias that refers to an anchor it is inside of, as "path: message". */
function aliasCycle(doc: Document): ConfigProblem | undefined {
  let found: ConfigProblem | undefined;
  visit(doc, {
    Alias(_key, node, ancestors) {
      const target = node.resolve(doc);
      if (!target || !ancestors.includes(target as never)) return undefined;
      found = {
        path: yamlPath([...ancestors, node]) || '(root)',
        message: `alias *${node.source} refers to its own anchor &${node.source}, which contains it (a cycle that never ends)`,
      };
      return visit.BREAK;
    },
  });
  return found;
}

/** The key path of the last node in a visit() ancestor list, as a.b[0].c. */
function yamlPath(nodes: readonly unknown[]): string {
  const parts: PropertyKey[] = [];
  for (let i = 0; i < nodes.length - 1; i++) {
    const n = nodes[i];
    const child = nodes[i + 1];
    if (isPair(n) && child === n.value) parts.push(isScalar(n.key) ? String(n.key.value) : String(n.key));
    else if (isSeq(n)) parts.push(n.items.indexOf(child as never));
    else if (isMap(n)) continue;
  }
  return formatPath(parts);
}

/** The YAML document with ${ENV} expanded, before validation (problems are ignored: the caller validates). */
export function rawDocument(text: string, env: NodeJS.ProcessEnv = process.env): unknown {
  try {
    return expandEnv(parseDocument(text).toJS() ?? {}, env, []);
  } catch {
    return {};
  }
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '(file)', message: `cannot read ${file}: ${(err as Error).message}` }]);
  }
  const config = parseConfigText(text, file, env);
  return { config, baseDir: path.dirname(path.resolve(file)), source: file, raw: rawDocument(text, env) };
}

export function defaultConfig(): LoadedConfig {
  return { config: validateConfig({}, '(embedded default)'), baseDir: process.cwd(), source: '(embedded default)', raw: {} };
}
