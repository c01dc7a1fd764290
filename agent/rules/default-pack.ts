/**
 * The rule pack Lookout ships (deploy/rules/lookout-default.rules.yaml),
 * loaded unless rules.default_pack.enabled is false. Users leave rules out by
 * name (disabled_rules) or replace parts of a rule (overrides: expr, for,
 * keep_firing_for, labels, annotations) without copying the file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkAlertTemplate } from '../templates';
import type { DefaultPackConfig } from './config';
import { checkPromQLSyntax } from './promql-check';
import type { RuleGroupSpec, RuleSpec } from './rulefmt';

export const DEFAULT_PACK_FILE = 'lookout-default.rules.yaml';
/** The probes' part of the default pack (TargetDown), loaded when receivers.probes is configured. */
export const PROBES_PACK_FILE = 'lookout-probes.rules.yaml';

/**
 * Finds deploy/rules/lookout-default.rules.yaml above this module, which
 * works from the source tree (tsx) and from the compiled dist/ tree alike.
 */
export function findDefaultPackPath(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'deploy', 'rules', DEFAULT_PACK_FILE);
    if (existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) {
      throw new Error(`default rule pack ${DEFAULT_PACK_FILE} not found in deploy/rules above ${__dirname}; `
        + 'ship deploy/rules with the agent or set rules.default_pack.enabled: false');
    }
    dir = up;
  }
}

function mergeMap(base: Record<string, string>, patch: Record<string, string> | undefined): Record<string, string> {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Applies disabled_rules and overrides; problems name the config key to fix. */
export function applyDefaultPackConfig(
  groups: RuleGroupSpec[], cfg: DefaultPackConfig,
): { groups: RuleGroupSpec[]; problems: string[] } {
  const problems: string[] = [];
  const names = new Set(groups.flatMap((g) => g.rules.map((r) => r.name)));
  const known = [...names].sort().join(', ');
  cfg.disabled_rules.forEach((name, i) => {
    if (!names.has(name)) {
      problems.push(`rules.default_pack.disabled_rules[${i}]: no rule named ${JSON.stringify(name)} in the default pack (rules: ${known})`);
    }
  });
  for (const name of Object.keys(cfg.overrides)) {
    if (!names.has(name)) {
      problems.push(`rules.default_pack.overrides.${name}: no rule named ${JSON.stringify(name)} in the default pack (rules: ${known})`);
    }
  }
  const disabled = new Set(cfg.disabled_rules);
  const out = groups.map((g) => ({
    ...g,
    rules: g.rules.filter((r) => !disabled.has(r.name)).map((r): RuleSpec => {
      const o = cfg.overrides[r.name];
      if (!o) return r;
      const key = `rules.default_pack.overrides.${r.name}`;
      if (r.kind === 'record') {
        for (const k of ['for', 'keep_firing_for', 'annotations'] as const) {
          if (o[k] !== undefined) problems.push(`${key}.${k}: ${JSON.stringify(r.name)} is a recording rule; only expr and labels apply`);
        }
      }
      const next: RuleSpec = {
        ...r,
        expr: o.expr ?? r.expr,
        for: o.for ?? r.for,
        keepFiringFor: o.keep_firing_for ?? r.keepFiringFor,
        labels: mergeMap(r.labels, o.labels),
        annotations: mergeMap(r.annotations, o.annotations),
      };
      if (o.expr !== undefined) {
        const err = checkPromQLSyntax(o.expr);
        if (err) problems.push(`${key}.expr: could not parse expression: ${err}`);
      }
      if (r.kind === 'alert') {
        for (const [k, v] of Object.entries(o.labels ?? {})) {
          const err = checkAlertTemplate(r.name, v);
          if (err) problems.push(`${key}.labels.${k}: ${err}`);
        }
        for (const [k, v] of Object.entries(o.annotations ?? {})) {
          const err = checkAlertTemplate(r.name, v);
          if (err) problems.push(`${key}.annotations.${k}: ${err}`);
        }
      }
      return next;
    }),
  })).filter((g) => g.rules.length > 0);
  return { groups: out, problems };
}
