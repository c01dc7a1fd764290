/**
 * The receivers.prometheus factory (agent/component/factory.ts contract).
 * It needs the store's appender, which the service hands over as a
 * constructor dependency: createPrometheusReceiverFactory(deps).
 */
import type { ReceiverFactory } from '../../component/factory';
import { prometheusReceiverConfigSchema, type PrometheusReceiverConfig } from './config';
import { PrometheusReceiver, type PrometheusReceiverDeps } from './receiver';

export function createPrometheusReceiverFactory(deps: Pick<PrometheusReceiverDeps, 'appender'>): ReceiverFactory<PrometheusReceiverConfig> {
  return {
    kind: 'receiver',
    type: 'prometheus',
    configSchema: prometheusReceiverConfigSchema as unknown as ReceiverFactory<PrometheusReceiverConfig>['configSchema'],
    signals: ['metrics'],
    // Scraped samples go to the store directly; `next` gets them as OTLP only with `upstream: true`
    // (wire it to a pipeline that exports but does not write to the store again).
    create: (settings, config, next) => new PrometheusReceiver(settings.id, config, { appender: deps.appender, baseDir: settings.baseDir, upstream: next }),
  };
}
