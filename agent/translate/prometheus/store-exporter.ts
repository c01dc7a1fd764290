/**
 * The local store as an exporter (`store` in service.pipelines): OTLP
 * metrics translated to Prometheus series, within the app series budget
 * (store.max_series - store.reserved_series, store.max_new_series_per_request).
 * No config of its own: the store's section holds its limits.
 */
import { z } from 'zod';
import type { ExporterFactory } from '../../component/factory';
import { requireService, SERVICE } from '../../component/services';
import type { Appender } from '../../store/types';
import { MetricsToStore } from './metrics-to-store';

export const storeExporterFactory: ExporterFactory<Record<string, never>> = {
  kind: 'exporter',
  type: 'store',
  signals: ['metrics'],
  configSchema: z.strictObject({}).prefault({}) as unknown as z.ZodType<Record<string, never>>,
  create: (settings) => {
    const appender = requireService<(source: string) => Appender>(settings, SERVICE.budgetedAppender);
    // The default instance keeps the budget name it always had (lookout_store_* metrics by source).
    return new MetricsToStore(appender(settings.id === 'store' ? 'otlp_metrics' : settings.id));
  },
};
