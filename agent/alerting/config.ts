/** alerting: Alertmanager-format routing and receivers (issue 5). */
import { z } from 'zod';

export const alertingConfigSchema = z.strictObject({});
export type AlertingConfig = z.infer<typeof alertingConfigSchema>;
