export { prometheusApiRouter, MAX_POINTS_PER_SERIES, type PrometheusApiOptions, type BuildInfo } from './router';
export { PrometheusApiComponent } from './component';
export { QueryTelemetry } from './telemetry';
