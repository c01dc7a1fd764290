/**
 * Prometheus' relabeling (model/relabel in Prometheus 2.42): the config
 * schema of one relabel_configs / metric_relabel_configs / write_relabel_configs
 * entry and its application to a label set. Regexes are RE2 through
 * agent/regex, anchored as Prometheus anchors them (`^(?:re)$`).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { anchoredRegex, type GoRegexp } from '../../regex';
import type { Labels } from '../../store/types';

export const RELABEL_ACTIONS = [
  'replace', 'keep', 'drop', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase', 'keepequal', 'dropequal',
] as const;
export type RelabelAction = typeof RELABEL_ACTIONS[number];

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const regexSchema = z.string().superRefine((re, ctx) => {
  try {
    anchoredRegex(re);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `invalid regex: ${(err as Error).message}` });
  }
});

export const relabelConfigSchema = z.strictObject({
  source_labels: z.array(z.string().regex(LABEL_NAME, 'not a valid label name')).default([]),
  separator: z.string().default(';'),
  regex: regexSchema.default('(.*)'),
  modulus: z.number().int().min(0).default(0),
  target_label: z.string().default(''),
  replacement: z.string().default('$1'),
  action: z.enum(RELABEL_ACTIONS).default('replace'),
}).superRefine((c, ctx) => {
  // The checks of Prometheus' relabel.Config.UnmarshalYAML, with its messages.
  const needsTarget = ['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'];
  if (needsTarget.includes(c.action) && c.target_label === '') {
    ctx.addIssue({ code: 'custom', path: ['target_label'], message: `relabel configuration for ${c.action} action requires 'target_label' value` });
  }
  if (c.action === 'hashmod' && c.modulus === 0) {
    ctx.addIssue({ code: 'custom', path: ['modulus'], message: 'relabel configuration for hashmod requires non-zero modulus' });
  }
  if (['lowercase', 'uppercase', 'hashmod', 'keepequal', 'dropequal'].includes(c.action) && c.target_label !== '' && !LABEL_NAME.test(c.target_label)) {
    ctx.addIssue({ code: 'custom', path: ['target_label'], message: `${JSON.stringify(c.target_label)} is invalid 'target_label' for ${c.action} action` });
  }
  if (['labeldrop', 'labelkeep'].includes(c.action) && (c.source_labels.length > 0 || c.target_label !== '' || c.modulus !== 0 || c.separator !== ';' || c.replacement !== '$1')) {
    ctx.addIssue({ code: 'custom', path: ['action'], message: `${c.action} action requires only 'regex', and no other fields` });
  }
  if (['keepequal', 'dropequal'].includes(c.action) && (c.regex !== '(.*)' || c.modulus !== 0 || c.separator !== ';' || c.replacement !== '$1')) {
    ctx.addIssue({ code: 'custom', path: ['action'], message: `${c.action} action requires only 'source_labels' and 'target_label', and no other fields` });
  }
});

export type RelabelConfig = z.infer<typeof relabelConfigSchema>;

interface Compiled extends RelabelConfig { re: GoRegexp }

/** A relabel_configs list compiled once; apply() runs it on one label set. */
export class Relabeler {
  private readonly steps: Compiled[];

  constructor(configs: readonly RelabelConfig[]) {
    this.steps = configs.map((c) => ({ ...c, re: anchoredRegex(c.regex) }));
  }

  get empty(): boolean {
    return this.steps.length === 0;
  }

  /**
   * The relabeled set (a new object), or undefined when a step dropped it.
   * Labels with empty values are removed, as in Prometheus.
   */
  apply(input: Labels): Labels | undefined {
    const lb: Labels = { ...input };
    for (const step of this.steps) {
      if (!applyStep(step, lb)) return undefined;
    }
    for (const k of Object.keys(lb)) if (lb[k] === '') delete lb[k];
    return lb;
  }
}

function applyStep(c: Compiled, lb: Labels): boolean {
  const val = c.source_labels.map((n) => lb[n] ?? '').join(c.separator);
  switch (c.action) {
    case 'drop':
      return !c.re.test(val);
    case 'keep':
      return c.re.test(val);
    case 'dropequal':
      return (lb[c.target_label] ?? '') !== val;
    case 'keepequal':
      return (lb[c.target_label] ?? '') === val;
    case 'replace': {
      const m = c.re.exec(val);
      if (!m) return true;
      const target = c.re.expand(c.target_label, m);
      // As Prometheus 2.42: an invalid or empty result deletes the label named by the unexpanded target_label.
      if (!LABEL_NAME.test(target)) { delete lb[c.target_label]; return true; }
      const res = c.re.expand(c.replacement, m);
      if (res === '') delete lb[c.target_label];
      else lb[target] = res;
      return true;
    }
    case 'lowercase':
      lb[c.target_label] = val.toLowerCase();
      return true;
    case 'uppercase':
      lb[c.target_label] = val.toUpperCase();
      return true;
    case 'hashmod': {
      // Prometheus: the last 8 bytes of the MD5 sum, big-endian, modulo the modulus.
      const sum = createHash('md5').update(val).digest();
      lb[c.target_label] = String(sum.readBigUInt64BE(8) % BigInt(c.modulus));
      return true;
    }
    case 'labelmap':
      for (const name of Object.keys(lb)) {
        if (c.re.test(name)) {
          const res = c.re.replaceAll(name, c.replacement);
          lb[res] = lb[name];
        }
      }
      return true;
    case 'labeldrop':
      for (const name of Object.keys(lb)) if (c.re.test(name)) delete lb[name];
      return true;
    case 'labelkeep':
      for (const name of Object.keys(lb)) if (!c.re.test(name)) delete lb[name];
      return true;
  }
}
