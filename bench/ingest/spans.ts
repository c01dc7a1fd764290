/**
 * The two span shapes of the testbed benchmark, as encoded OTLP/HTTP
 * protobuf request bodies (built once, sent many times):
 *
 *   large     10 string attributes with ~50-byte keys and values, a service
 *             resource, 5 span names (SERVER): what an instrumented HTTP app sends
 *   testbed   the Collector testbed's span (its PerfTestDataProvider): name
 *             "load-generator-span", CLIENT, 1 ms long, two int attributes
 *             load_generator.span_seq_num / trace_seq_num, an empty resource
 */
import { encodeProtoRequest } from '../../agent/otlp/codec';
import type { ExportTraceServiceRequest, KeyValue } from '../../agent/otlp/model';

export type SpanShape = 'large' | 'testbed';

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): KeyValue => ({ key, value: { intValue: value } } as unknown as KeyValue);

function id(bytes: number, seq: number, salt: number): Buffer {
  const b = Buffer.alloc(bytes);
  b.writeUInt32BE(seq >>> 0, bytes - 4);
  b.writeUInt32BE(salt >>> 0, 0);
  return b;
}

/** ~50 bytes, letters and dashes only (nothing the default redaction patterns match). */
const pad50 = (s: string) => (s + '-' + 'abcdefghijklmnopqrstuvwxyz'.repeat(2)).slice(0, 50);

function largeAttributes(span: number): KeyValue[] {
  return Array.from({ length: 10 }, (_, k) => str(
    pad50(`app.request.attribute.number.${'abcdefghij'[k]}`),
    pad50(`value-${'abcdefghij'[k]}-of-span-${'klmnopqrst'[span % 10]}${'uvwxyzabcd'[Math.floor(span / 10) % 10]}`),
  ));
}

/** `batches` distinct requests of `spansPerBatch` spans each. */
export function buildBodies(shape: SpanShape, batches: number, spansPerBatch: number): Buffer[] {
  const bodies: Buffer[] = [];
  const now = BigInt(Date.now()) * 1_000_000n;
  let seq = 0;
  for (let b = 0; b < batches; b++) {
    const spans = Array.from({ length: spansPerBatch }, (_, i) => {
      seq++;
      const start = now - BigInt(spansPerBatch - i) * 1_000_000n;
      const common = { traceId: id(16, b + 1, 0xbe0c), spanId: id(8, seq, 0x5a17), startTimeUnixNano: start.toString() };
      return shape === 'testbed'
        ? { ...common, name: 'load-generator-span', kind: 3, endTimeUnixNano: (start + 1_000_000n).toString(),
          attributes: [int('load_generator.span_seq_num', seq), int('load_generator.trace_seq_num', b + 1)] }
        : { ...common, name: `GET /api/v1/items/{id}/${['list', 'show', 'edit', 'stock', 'price'][i % 5]}`, kind: 2,
          endTimeUnixNano: (start + BigInt(1 + (i % 50)) * 1_000_000n).toString(), attributes: largeAttributes(i) };
    });
    const resource = shape === 'testbed' ? {} : { attributes: [str('service.name', 'checkout'), str('service.instance.id', 'checkout-7d9f8b-x2k4p')] };
    const request = { resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'bench' }, spans }] }] } as unknown as ExportTraceServiceRequest;
    bodies.push(Buffer.from(encodeProtoRequest('traces', request)));
  }
  return bodies;
}
