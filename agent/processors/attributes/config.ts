/**
 * processors.attributes (and the `attributes:` list of processors.resource):
 * the Collector's actions on attributes, with its key names. Every key is
 * documented in README.md.
 */
import { z } from 'zod';
import { compileRegex, RegexSyntaxError } from '../../regex';

export const ACTIONS = ['insert', 'update', 'upsert', 'delete', 'hash', 'extract', 'convert'] as const;

/** A Go/RE2 regex checked at load (unanchored, as the Collector's regexp). */
export const regexStringSchema = z.string().min(1).superRefine((re, ctx) => {
  try {
    compileRegex(re);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof RegexSyntaxError ? err.message : String(err) });
  }
});

export const attributeActionSchema = z.strictObject({
  /** The attribute acted on (delete and hash: or every key matching `pattern`). */
  key: z.string().min(1).optional(),
  /** insert/update/upsert: the literal value (string, number or boolean). */
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  /** insert/update/upsert: copy the value of this attribute instead (nothing happens when it is absent). */
  from_attribute: z.string().min(1).optional(),
  /** delete/hash without key: keys matching it; extract: the regex with named groups applied to key's value. */
  pattern: regexStringSchema.optional(),
  action: z.enum(ACTIONS),
  /** convert: the target type. */
  converted_type: z.enum(['int', 'double', 'string']).optional(),
}).superRefine((a, ctx) => {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  switch (a.action) {
    case 'insert': case 'update': case 'upsert':
      if (!a.key) issue('key', `required for action ${a.action}`);
      if ((a.value === undefined) === (a.from_attribute === undefined)) issue('value', `action ${a.action} needs exactly one of value and from_attribute`);
      if (a.pattern !== undefined) issue('pattern', `not used by action ${a.action}`);
      break;
    case 'delete': case 'hash':
      if ((a.key === undefined) === (a.pattern === undefined)) issue('key', `action ${a.action} needs exactly one of key and pattern`);
      if (a.value !== undefined || a.from_attribute !== undefined) issue('value', `not used by action ${a.action}`);
      break;
    case 'extract': {
      if (!a.key) issue('key', 'required for action extract');
      if (!a.pattern) issue('pattern', 'required for action extract (a regex with named groups, e.g. ^/api/(?P<version>v\\d+)/)');
      else if (Object.keys(compileRegex(a.pattern).names).length === 0) issue('pattern', 'action extract needs named groups ((?P<name>...)): each group becomes an attribute');
      break;
    }
    case 'convert':
      if (!a.key) issue('key', 'required for action convert');
      if (!a.converted_type) issue('converted_type', 'required for action convert (int, double or string)');
      break;
  }
});
export type AttributeAction = z.infer<typeof attributeActionSchema>;

export const attributesConfigSchema = z.strictObject({
  /** Applied in order to every span, log record and data point attribute set. */
  actions: z.array(attributeActionSchema).default([]),
}).superRefine((c, ctx) => {
  if (c.actions.length === 0) ctx.addIssue({ code: 'custom', path: ['actions'], message: 'at least one action is required' });
});
export type AttributesConfig = z.infer<typeof attributesConfigSchema>;
