/**
 * Remote-write encode rate: samples/s turned into a snappy-compressed
 * WriteRequest (protobuf encode + snappy), and the whole exporter path
 * (store tap, batching, relabel/external-label cache, encode, memory queue,
 * HTTP POST to a loopback sink that answers 204), as a ratio against the
 * protobuf encode alone.
 *
 * Not part of `npm test`: `npm run bench`, or
 * npx tsx bench/exporters/prometheusremotewrite/encode.bench.ts  (LOOKOUT_BENCH_SECONDS)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStore } from '../../../agent/store';
import { remoteWriteExporterConfigSchema } from '../../../agent/exporters/prometheusremotewrite/config';
import { PrometheusRemoteWriteExporter } from '../../../agent/exporters/prometheusremotewrite/exporter';
import { encodeWriteRequest, snappyCompress, type RwWriteRequest } from '../../../agent/exporters/prometheusremotewrite/proto';
import { testHost } from '../../../test/helpers/test-host';
import { waitFor } from '../../../test/helpers/wait';
import { timeLoop } from '../../timing';

const SAMPLES = 2000;

function request(): RwWriteRequest {
  return {
    timeseries: Array.from({ length: SAMPLES }, (_, i) => ({
      labels: [
        { name: '__name__', value: 'http_requests_total' }, { name: 'cluster', value: 'eu-1' }, { name: 'instance', value: '10.0.0.1:8000' },
        { name: 'job', value: 'app' }, { name: 'route', value: `/api/items/${i % 200}` }, { name: 'status', value: String(200 + (i % 5)) },
      ],
      samples: [{ value: i * 1.5, timestamp: 1_700_000_000_000 + i }],
    })),
  };
}

async function pipelineRate(seconds: number): Promise<number> {
  const sink = http.createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(204).end()); });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const store = new MemoryStore({ maxSeries: 1_000_000, maxFutureMs: 0 });
  const host = testHost();
  const config = remoteWriteExporterConfigSchema.parse({
    endpoint: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`, sending_queue: { storage: 'memory' },
    batch: { timeout: '50ms', max_pending_samples: 10_000_000 }, external_labels: { cluster: 'eu-1' },
  });
  const exporter = new PrometheusRemoteWriteExporter('bench', config, { store, shutdownDeadlineMs: 10_000 });
  await exporter.start(host);
  const labels = Array.from({ length: SAMPLES }, (_, i) => ({ __name__: 'http_requests_total', job: 'app', instance: '10.0.0.1:8000', route: `/api/items/${i % 200}`, status: String(200 + (i % 5)), i: String(i) }));
  const started = Date.now();
  const end = started + seconds * 1000;
  let t = 1_700_000_000_000;
  let appended = 0;
  while (Date.now() < end) {
    t += 1000;
    for (const l of labels) store.append(l, t, t);
    appended += SAMPLES;
    await new Promise<void>((r) => setImmediate(r));
  }
  await waitFor(() => exporter.totals.sent >= appended, { timeoutMs: 120_000, what: 'every sample delivered' });
  const rate = appended / ((Date.now() - started) / 1000);
  await exporter.shutdown();
  await host.cleanup();
  sink.close();
  return rate;
}

export async function run(seconds: number): Promise<void> {
  const req = request();
  const base = timeLoop(() => encodeWriteRequest(req), seconds) * SAMPLES;
  const fmt = (name: string, rate: number) => console.log(`${name.padEnd(44)} ${(rate / 1e6).toFixed(2).padStart(7)} M samples/s  ${(rate / base).toFixed(2)}x baseline`);
  fmt('baseline: protobuf encode of a WriteRequest', base);
  fmt('protobuf encode + snappy', timeLoop(() => snappyCompress(encodeWriteRequest(req)), seconds) * SAMPLES);
  fmt('whole exporter (tap, batch, encode, POST)', await pipelineRate(seconds));
}

if (require.main === module) {
  run(Number(process.env.LOOKOUT_BENCH_SECONDS ?? 3)).catch((err) => { console.error(err); process.exitCode = 1; });
}
