/**
 * ${ENV} and ${ENV:-default} substitution in config values, as the
 * OpenTelemetry Collector does (also ${env:ENV}); "$$" is a literal "$".
 * Runs on parsed YAML scalars, so a problem can name the key it sits under,
 * and secrets never have to be written into config files.
 */
export interface EnvProblem { path: string; message: string }

const REF = /\$\$|\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REF = /^\$\{(?:env:)?[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

function substitute(text: string, env: NodeJS.ProcessEnv, path: string, problems: EnvProblem[]): string {
  return text.replace(REF, (match, name: string | undefined, def: string | undefined) => {
    if (match === '$$') return '$';
    const value = env[name!];
    if (value !== undefined && value !== '') return value;
    if (def !== undefined) return def;
    problems.push({
      path,
      message: `environment variable ${name} is not set (set it, or give a default: \${${name}:-value})`,
    });
    return '';
  });
}

/**
 * Returns a copy of the parsed document with references expanded. A scalar
 * that is exactly one reference takes the type of what it expands to
 * ("8080" -> number, "true" -> boolean), as in the Collector.
 */
export function expandEnv(doc: unknown, env: NodeJS.ProcessEnv, problems: EnvProblem[], path = ''): unknown {
  if (typeof doc === 'string') {
    if (!doc.includes('$')) return doc;
    const out = substitute(doc, env, path || '(root)', problems);
    if (WHOLE_REF.test(doc)) {
      if (/^-?\d+(\.\d+)?$/.test(out)) return Number(out);
      if (out === 'true' || out === 'false') return out === 'true';
    }
    return out;
  }
  if (Array.isArray(doc)) return doc.map((v, i) => expandEnv(v, env, problems, `${path}[${i}]`));
  if (doc !== null && typeof doc === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc)) out[k] = expandEnv(v, env, problems, path ? `${path}.${k}` : k);
    return out;
  }
  return doc;
}
