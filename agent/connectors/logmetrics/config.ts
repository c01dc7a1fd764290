/** connectors.logmetrics: counts derived from log records (issue 4). */
import { z } from 'zod';

export const logmetricsConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
});
export type LogmetricsConfig = z.infer<typeof logmetricsConfigSchema>;
