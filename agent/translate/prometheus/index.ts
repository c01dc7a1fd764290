export { MetricsToStore, type MetricsToStoreOptions, histogramSeries } from './metrics-to-store';
export { prometheusMetricName, sanitizeLabelName, sanitizeMetricName, unitSuffix } from './names';
export { attributesToLabels, labelsKey, resourceLabels } from './labels';
export { ZeroInjector } from './zero-injection';
