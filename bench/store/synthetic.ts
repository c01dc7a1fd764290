/**
 * Synthetic series shaped like what OTLP conversion produces for a busy
 * service: 50 metric families x 200 routes x 10 status codes = 100 000
 * series, counters and gauges, plus a few classic histograms.
 */
import type { Labels } from '../../agent/store/types';
import { type MemoryStore } from '../../agent/store/memory-store';

export const FAMILIES = 50;
export const ROUTES = 200;
export const CODES = ['200', '201', '204', '301', '400', '401', '404', '429', '500', '503'];

/** Classic histogram buckets per route (the latency family's `le` values). */
export const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];

export function seriesLabels(withHistograms = false): Labels[] {
  const out: Labels[] = [];
  if (withHistograms) {
    for (let r = 0; r < ROUTES; r++) {
      for (const le of BUCKETS) out.push({ __name__: 'app_latency_seconds_bucket', service_name: 'checkout', http_route: `/api/v1/resource${r}`, le });
    }
  }
  for (let f = 0; f < FAMILIES; f++) {
    for (let r = 0; r < ROUTES; r++) {
      for (const code of CODES) {
        out.push({
          __name__: f % 5 === 4 ? `app_gauge_${f}` : `app_requests_${f}_total`,
          service_name: 'checkout',
          service_instance_id: 'pod-7f9c',
          http_route: `/api/v1/resource${r}`,
          http_response_status_code: code,
          http_request_method: r % 3 === 0 ? 'POST' : 'GET',
        });
      }
    }
  }
  return out;
}

/** Fills a store with `samples` points per series, `intervalMs` apart, ending at `end`; returns appends per second. */
export function fill(store: MemoryStore, labels: Labels[], samples: number, intervalMs: number, end: number): number {
  const start = end - (samples - 1) * intervalMs;
  const counters = new Float64Array(labels.length);
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < samples; k++) {
    const t = start + k * intervalMs;
    for (let i = 0; i < labels.length; i++) {
      const le = labels[i].le;
      // Buckets grow with their bound, so histograms stay cumulative.
      counters[i] += le === undefined ? (i % 17) + (k % 3) : 1 + BUCKETS.indexOf(le) * ((k % 4) + 1);
      const v = labels[i].__name__.startsWith('app_gauge') ? ((i * 7 + k * 13) % 1000) / 10 : counters[i];
      if (!store.append(labels[i], t, v)) throw new Error(`refused ${JSON.stringify(labels[i])}`);
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return (samples * labels.length) / seconds;
}
