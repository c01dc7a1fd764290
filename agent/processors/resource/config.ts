/** processors.resource: the attribute actions applied to each resource. Keys in README.md. */
import { z } from 'zod';
import { attributeActionSchema } from '../attributes/config';

export const resourceConfigSchema = z.strictObject({
  /** The Collector's key: actions (same keys as processors.attributes.actions) on resource attributes. */
  attributes: z.array(attributeActionSchema).default([]),
}).superRefine((c, ctx) => {
  if (c.attributes.length === 0) ctx.addIssue({ code: 'custom', path: ['attributes'], message: 'at least one action is required' });
});
export type ResourceConfig = z.infer<typeof resourceConfigSchema>;
