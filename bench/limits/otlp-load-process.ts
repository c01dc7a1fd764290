/**
 * A steady OTLP/HTTP trace load from its own process (so the bench's event
 * loop and CPU do not share the measured agent's numbers): the Collector
 * testbed's shape, batches of 100 spans with 10 attributes of ~50-byte keys
 * and values, protobuf, sent open-loop at a fixed rate with at most 8
 * requests in flight (a tick that finds 8 in flight is counted as skipped,
 * so an overloaded agent shows up as skipped batches, not as a slower rate).
 *
 *   node --require tsx/cjs bench/limits/otlp-load-process.ts <otlp url> <spans/s> <seconds>
 *
 * Prints one JSON line at the end: { spans, byStatus, skipped }.
 */
import { encodeProtoRequest } from '../../agent/otlp/codec';
import type { ExportTraceServiceRequest } from '../../agent/otlp/model';

const BATCH = 100;
const MAX_IN_FLIGHT = 8;

function batch(seq: number): Uint8Array {
  const end = BigInt(Date.now()) * 1_000_000n;
  const attr = (k: number) => ({ key: `attribute.key.${k}.`.padEnd(50, 'k'), value: { stringValue: `value-${k}-${seq % 7}-`.padEnd(50, 'v') } });
  const req = {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'footprint-load' } }] },
      scopeSpans: [{ scope: { name: 'load' }, spans: Array.from({ length: BATCH }, (_, i) => ({
        traceId: Buffer.alloc(16, (seq + i) % 251 + 1), spanId: Buffer.alloc(8, i % 251 + 1), kind: 2,
        name: `GET /api/item/${i % 10}`, startTimeUnixNano: (end - 5_000_000n).toString(), endTimeUnixNano: end.toString(),
        attributes: Array.from({ length: 10 }, (_, k) => attr(k)), status: { code: i % 50 === 0 ? 2 : 1 },
      })) }],
    }],
  } as unknown as ExportTraceServiceRequest;
  return encodeProtoRequest('traces', req);
}

async function main(): Promise<void> {
  const [url, rate, seconds] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
  // A few distinct bodies (timestamps refreshed each second) so the work is not one cached buffer.
  let bodies = Array.from({ length: 8 }, (_, i) => batch(i));
  const refresh = setInterval(() => { bodies = Array.from({ length: 8 }, (_, i) => batch(i)); }, 1000);
  const byStatus: Record<string, number> = {};
  let inFlight = 0;
  let skipped = 0;
  let seq = 0;
  const perTick = rate / BATCH / 50;
  let owed = 0;
  const until = Date.now() + seconds * 1000;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      if (Date.now() >= until) {
        clearInterval(tick);
        resolve();
        return;
      }
      owed += perTick;
      for (; owed >= 1; owed--) {
        if (inFlight >= MAX_IN_FLIGHT) { skipped++; continue; }
        inFlight++;
        fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: bodies[seq++ % bodies.length] })
          .then(async (res) => { await res.arrayBuffer(); byStatus[res.status] = (byStatus[res.status] ?? 0) + 1; })
          .catch(() => { byStatus.error = (byStatus.error ?? 0) + 1; })
          .finally(() => { inFlight--; });
      }
    }, 20);
  });
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
  clearInterval(refresh);
  process.stdout.write(`${JSON.stringify({ spans: (byStatus[200] ?? 0) * BATCH, byStatus, skipped })}\n`);
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
