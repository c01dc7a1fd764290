/**
 * spanmetrics throughput in spans/s on a realistic 512-span request (decoded
 * from protobuf, so timestamps are Longs as in production), as a ratio
 * against merely iterating the same spans and reading what the connector
 * reads (name, kind, status, every attribute key, the duration):
 *
 *   iterate spans         the floor: a loop touching the same fields
 *   spanmetrics record    counting + duration histogram into the in-memory totals
 *   record + flush        the same, written to a MemoryStore after every batch
 *                         (metrics_flush_interval: 0s, the most expensive setting)
 *
 * Not part of `npm test`. Run: npx tsx bench/connectors/spanmetrics.bench.ts
 * (LOOKOUT_BENCH_SECONDS / LOOKOUT_BENCH_ROUNDS: default 3 rounds of 2 s per case, best round kept).
 */
import { decodeProtoRequest, encodeProtoRequest } from '../../agent/otlp/codec';
import type { ExportTraceServiceRequest } from '../../agent/otlp/model';
import { countSpans } from '../../agent/otlp/count';
import { MemoryStore } from '../../agent/store';
import { SpanMetricsConnector, spanmetricsConfigSchema } from '../../agent/connectors/spanmetrics';
import { durationNanos } from '../../agent/connectors/spanmetrics/connector';
import { realisticTraceRequest } from '../receivers/otlp/receiver.bench';
import { timeLoop } from '../timing';

const SECONDS = Number(process.env.LOOKOUT_BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.LOOKOUT_BENCH_ROUNDS ?? 3);


function best(measure: () => number): number {
  let top = 0;
  for (let i = 0; i < ROUNDS; i++) top = Math.max(top, measure());
  return top;
}

/** The baseline: touches what the connector reads, aggregates nothing. */
function iterate(req: ExportTraceServiceRequest): number {
  let acc = 0;
  for (const rs of req.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        acc += span.name.length + (span.kind ?? 0) + (span.status?.code ?? 0);
        for (const kv of span.attributes ?? []) acc += kv.key.length;
        acc += durationNanos(span.startTimeUnixNano, span.endTimeUnixNano) > 0 ? 1 : 0;
      }
    }
  }
  return acc;
}

export interface SpanmetricsBenchResult { name: string; spansPerSecond: number; ratio: number }

export async function run(seconds = SECONDS): Promise<SpanmetricsBenchResult[]> {
  const req = decodeProtoRequest('traces', encodeProtoRequest('traces', realisticTraceRequest()));
  const spans = countSpans(req);
  console.log(`request: ${spans} spans; best of ${ROUNDS} x ${seconds} s per case`);
  let sink = 0;
  const base = best(() => timeLoop(() => { sink += iterate(req); }, seconds)) * spans;

  const cfg = spanmetricsConfigSchema.parse({});
  const inMemory = new SpanMetricsConnector(cfg, new MemoryStore());
  const record = best(() => timeLoop(() => inMemory.record(req), seconds)) * spans;

  let clock = 1_700_000_000_000;
  const store = new MemoryStore({ now: () => clock, retentionMs: 3600_000 });
  const flushing = new SpanMetricsConnector(spanmetricsConfigSchema.parse({ metrics_flush_interval: '0s' }), store, { now: () => clock });
  const flushed = best(() => timeLoop(() => { clock += 1000; flushing.record(req); flushing.flush(); }, seconds)) * spans;
  if (sink === 42) console.log('');

  const results: SpanmetricsBenchResult[] = [
    { name: 'iterate spans (baseline)', spansPerSecond: base, ratio: 1 },
    { name: 'spanmetrics record', spansPerSecond: record, ratio: record / base },
    { name: 'record + flush to MemoryStore', spansPerSecond: flushed, ratio: flushed / base },
  ];
  console.log('case                               spans/s   vs iterate');
  for (const r of results) {
    console.log(`${r.name.padEnd(32)} ${r.spansPerSecond.toFixed(0).padStart(10)}   ${(r.ratio * 100).toFixed(1).padStart(6)} %`);
  }
  return results;
}

if (require.main === module) {
  run().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
