/** rules: Prometheus rule files evaluated in the agent (issue 5). */
import { z } from 'zod';
import { durationSchema } from '../config/duration';

export const rulesConfigSchema = z.strictObject({
  files: z.array(z.string()).default([]),
  evaluation_interval: durationSchema().default(15_000),
});
export type RulesConfig = z.infer<typeof rulesConfigSchema>;
