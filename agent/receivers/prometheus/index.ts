export { prometheusReceiverConfigSchema, type PrometheusReceiverConfig, type ScrapeConfig } from './config';
export { PrometheusReceiver, type PrometheusReceiverDeps, type ActiveTargetView } from './receiver';
export { createPrometheusReceiverFactory } from './factory';
export { Relabeler, relabelConfigSchema, type RelabelConfig } from './relabel';
