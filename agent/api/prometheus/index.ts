export { prometheusApiRouter, MAX_POINTS_PER_SERIES, type PrometheusApiOptions, type BuildInfo } from './router';
