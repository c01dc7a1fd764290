/**
 * The batch processor and the fan-out's copies for mutating consumers:
 * spans per second through `batch` (send_batch_size 8192) into a consumer
 * that accepts at once, against the same requests handed on directly; and
 * the cost of one deep copy (protobuf round trip) per request, what a
 * mutating branch pays. `npx tsx bench/processors/batch.bench.ts`.
 */
import type { Consumer } from '../../agent/component/component';
import { cloneSignalData } from '../../agent/component/clone';
import { batchConfigSchema, BatchProcessor } from '../../agent/processors/batch';
import { decodeProtoRequest, encodeProtoRequest } from '../../agent/otlp/codec';
import type { ExportTraceServiceRequest } from '../../agent/otlp/model';
import { timeLoop } from '../timing';

const SPANS_PER_REQUEST = 100;

function request(): ExportTraceServiceRequest {
  const spans = Array.from({ length: SPANS_PER_REQUEST }, (_, i) => ({
    traceId: Buffer.alloc(16, i + 1), spanId: Buffer.alloc(8, i + 1), name: `GET /orders/${i}`, kind: 2,
    startTimeUnixNano: 1_700_000_000_000_000_000n, endTimeUnixNano: 1_700_000_000_100_000_000n,
    attributes: [{ key: 'http.request.method', value: { stringValue: 'GET' } }, { key: 'http.response.status_code', value: { intValue: 200 } }],
  }));
  const bytes = encodeProtoRequest('traces', { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] }, scopeSpans: [{ spans }] }] } as never);
  return decodeProtoRequest('traces', bytes) as ExportTraceServiceRequest;
}

async function spansPerSecond(consumer: Consumer, seconds: number): Promise<number> {
  const req = request();
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  let n = 0;
  // 82 requests in flight at once: one full batch of 8192 spans per round.
  while (process.hrtime.bigint() < deadline) {
    await Promise.all(Array.from({ length: 82 }, () => consumer.consume('traces', req)));
    n += 82 * SPANS_PER_REQUEST;
  }
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

export async function run(seconds = 3): Promise<void> {
  const sink: Consumer = { consume: async () => undefined };
  const direct = await spansPerSecond(sink, seconds);
  const batch = new BatchProcessor('batch', batchConfigSchema.parse({ send_batch_size: 8192, timeout: '200ms' }), sink);
  const batched = await spansPerSecond(batch, seconds);
  await batch.shutdown();
  console.log(`batch (8192): ${Math.round(batched).toLocaleString('en')} spans/s; handed on directly: ${Math.round(direct).toLocaleString('en')} spans/s (ratio ${(batched / direct).toFixed(3)})`);
  const req = request();
  const copies = timeLoop(() => cloneSignalData('traces', req), seconds);
  console.log(`deep copy for a mutating branch: ${Math.round(copies).toLocaleString('en')} requests/s of ${SPANS_PER_REQUEST} spans (${(1e6 / copies).toFixed(1)} µs each)`);
}

if (require.main === module) run(Number(process.env.BENCH_SECONDS ?? 3)).catch((err) => { console.error(err); process.exitCode = 1; });
