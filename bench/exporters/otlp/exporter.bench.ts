/**
 * Exporter throughput: spans/s accepted by OtlpExporter.consume(), batched,
 * encoded, gzipped and delivered to a local sink, as a ratio against raw
 * protobufjs encoding of the same requests (the floor any exporter pays).
 * Not part of `npm test`: `npm run bench` or `npx tsx bench/exporters/otlp/exporter.bench.ts`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OtlpExporter } from '../../../agent/exporters/otlp';
import { otlpExporterConfigSchema } from '../../../agent/exporters/otlp/config';
import { encodeProtoRequest } from '../../../agent/otlp/codec';
import { testHost } from '../../../test/helpers/test-host';
import { realisticTraceRequest } from '../../receivers/otlp/receiver.bench';

const SPANS_PER_REQUEST = 512;

export interface ExporterBenchResult { name: string; spansPerSecond: number; ratio: number }

async function measure(seconds: number, fn: () => Promise<void> | void): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    await fn();
    n++;
  }
  return n / seconds;
}

export async function run(seconds = 3): Promise<ExporterBenchResult[]> {
  const request = realisticTraceRequest(SPANS_PER_REQUEST);
  const raw = (await measure(seconds, () => { encodeProtoRequest('traces', request); })) * SPANS_PER_REQUEST;

  let delivered = 0;
  const sink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => { delivered++; res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(); });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const results: ExporterBenchResult[] = [{ name: 'raw protobufjs encode', spansPerSecond: raw, ratio: 1 }];
  for (const compression of ['none', 'gzip'] as const) {
    const host = testHost();
    const exporter = new OtlpExporter(otlpExporterConfigSchema.parse({ endpoint: url, compression, batch: { timeout: '5ms', send_batch_size: 4096 }, sending_queue: { queue_size: 64 } }));
    await exporter.start(host);
    delivered = 0;
    const started = Date.now();
    let accepted = 0;
    while (Date.now() - started < seconds * 1000) {
      try {
        await exporter.consume('traces', request);
        accepted++;
      } catch {
        await new Promise((r) => setTimeout(r, 1)); // queue full: back off like an SDK would
      }
    }
    await exporter.shutdown();
    const elapsed = (Date.now() - started) / 1000;
    const sps = (accepted * SPANS_PER_REQUEST) / elapsed;
    results.push({ name: `exporter proto ${compression === 'gzip' ? '+ gzip' : ''}`.trim(), spansPerSecond: sps, ratio: sps / raw });
    await host.cleanup();
  }
  sink.close();
  console.log('case                          spans/s    vs raw encode');
  for (const r of results) console.log(`${r.name.padEnd(28)} ${r.spansPerSecond.toFixed(0).padStart(9)}   ${(r.ratio * 100).toFixed(0).padStart(4)} %`);
  return results;
}

if (require.main === module) {
  run().catch((err) => { console.error(err); process.exitCode = 1; });
}
