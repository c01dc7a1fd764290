/** connectors.spanmetrics: RED metrics derived from spans (issue 4). */
import { z } from 'zod';

export const spanmetricsConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
});
export type SpanmetricsConfig = z.infer<typeof spanmetricsConfigSchema>;
