/**
 * Memory per series at the 100k-series cap, in-process and broken down by
 * structure: the store (labels, postings, hash map, series objects, heads),
 * the OTLP translator's per-stream state, and the spanmetrics path. Heap +
 * array buffers after two full GCs (--expose-gc via v8 flags), per series.
 *
 *   store only        100 000 label sets appended straight to a MemoryStore
 *                     (6 labels of ~20 characters, one unique route each, as
 *                     the attack bench's 100k-series case), one sample each
 *   OTLP gauges       the same label sets arriving as OTLP gauges through
 *                     MetricsToStore (what bench/limits/attacks.bench.ts sends)
 *   OTLP counters     cumulative sums with a start time (created-timestamp zeros too)
 *
 * Not part of `npm test`. Run: npx tsx bench/store/series-memory.bench.ts
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { MemoryStore } from '../../agent/store/memory-store';
import { MetricsToStore } from '../../agent/translate/prometheus/metrics-to-store';
import type { ExportMetricsServiceRequest, KeyValue } from '../../agent/otlp/model';
import { decodeProtoRequest, encodeProtoRequest } from '../../agent/otlp/codec';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const SERIES = Number(process.env.BENCH_SERIES ?? 100_000);
const PER_REQUEST = 5000;

function heap(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

/** The attack bench's request shape (decoded from protobuf, so strings are fresh per point as in production). */
function request(from: number, n: number, t: number, counter: boolean): ExportMetricsServiceRequest {
  const points = Array.from({ length: n }, (_, k) => ({
    timeUnixNano: (BigInt(t) * 1_000_000n).toString(),
    ...(counter ? { startTimeUnixNano: (BigInt(t - 60_000) * 1_000_000n).toString() } : {}),
    asDouble: k,
    attributes: [
      str('http.route', `/api/v1/items/${from + k}`), str('http.request.method', 'GET'), str('server.address', 'shop.example.svc'),
      str('url.scheme', 'https'), str('network.protocol.version', '1.1'), str('deployment.environment', 'production'),
    ],
  }));
  const metric = counter
    ? { name: 'http.server.requests', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: points } }
    : { name: 'http.server.active_requests', gauge: { dataPoints: points } };
  const req = {
    resourceMetrics: [{ resource: { attributes: [str('service.name', 'shop'), str('service.instance.id', 'pod-1')] }, scopeMetrics: [{ metrics: [metric] }] }],
  } as unknown as ExportMetricsServiceRequest;
  return decodeProtoRequest('metrics', encodeProtoRequest('metrics', req));
}

function storeOnly(): { store: number } {
  const t = 1_700_000_000_000;
  const before = heap();
  const store = new MemoryStore({ maxSeries: SERIES + 1000, reservedSeries: 0, now: () => t });
  for (let i = 0; i < SERIES; i++) {
    store.append({
      __name__: 'http_server_active_requests', job: 'shop', instance: 'pod-1', http_route: `/api/v1/items/${i}`, http_request_method: 'GET',
      server_address: 'shop.example.svc', url_scheme: 'https', network_protocol_version: '1.1', deployment_environment: 'production',
    }, t, i);
  }
  const store1 = heap() - before;
  if (store.seriesCount !== SERIES) throw new Error(`expected ${SERIES} series, got ${store.seriesCount}`);
  return { store: store1 };
}

function viaOtlp(counter: boolean): { total: number; store: number; translator: number } {
  const t = 1_700_000_000_000;
  const before = heap();
  const store = new MemoryStore({ maxSeries: 2 * SERIES + 1000, reservedSeries: 0, now: () => t + 3600_000 });
  const translator = new MetricsToStore(store.budgetedAppender('otlp'), { now: () => t });
  for (let round = 0; round < 2; round++) {
    for (let from = 0; from < SERIES; from += PER_REQUEST) translator.translate(request(from, PER_REQUEST, t + round * 15_000, counter));
  }
  const total = heap() - before;
  const expected = SERIES;
  if (store.seriesCount !== expected) throw new Error(`expected ${expected} series, got ${store.seriesCount}`);
  // What the translator holds: drop the store's references by measuring the store alone the same way.
  const storeAlone = (() => {
    const b = heap();
    const s2 = new MemoryStore({ maxSeries: 2 * SERIES + 1000, reservedSeries: 0, now: () => t + 3600_000 });
    for (const x of store.allSeriesLatest()) s2.append({ ...x.labels }, x.t, x.v);
    for (const x of store.allSeriesLatest()) s2.append({ ...x.labels }, x.t + 1, x.v);
    const r = heap() - b;
    if (s2.seriesCount !== store.seriesCount) throw new Error('copy differs');
    return r;
  })();
  return { total, store: storeAlone, translator: total - storeAlone };
}

export function run(): void {
  const perSeries = (b: number) => `${Math.round(b / SERIES)} B/series`;
  const s = storeOnly();
  console.log(`store only (1 sample/series):         ${perSeries(s.store)}`);
  const g = viaOtlp(false);
  console.log(`OTLP gauges, 2 rounds:   total ${perSeries(g.total)}  store ${perSeries(g.store)}  translator ${perSeries(g.translator)}`);
  const c = viaOtlp(true);
  console.log(`OTLP counters, 2 rounds: total ${perSeries(c.total)}  store ${perSeries(c.store)}  translator ${perSeries(c.translator)}`);
}

if (require.main === module) run();
