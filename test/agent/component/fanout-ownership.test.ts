/**
 * Data ownership in the fan-out (issue 12, item 3): a consumer declaring
 * mutatesData gets its own copy whenever the data also goes elsewhere;
 * copies keep decoded messages' defaults; a single consumer gets the object.
 */
import assert from 'node:assert/strict';
import type { Consumer } from '../../../agent/component/component';
import { FanoutConsumer } from '../../../agent/component/fanout';
import { decodeProtoRequest, encodeProtoRequest } from '../../../agent/otlp/codec';
import type { ExportTraceServiceRequest, Signal, SignalData } from '../../../agent/otlp/model';

class Seen implements Consumer {
  got: ExportTraceServiceRequest[] = [];
  constructor(readonly mutatesData = false, readonly neverRefuses = false, private readonly rename?: string) {}
  async consume<S extends Signal>(_signal: S, data: SignalData[S]): Promise<void> {
    const t = data as ExportTraceServiceRequest;
    if (this.rename) t.resourceSpans![0].scopeSpans![0].spans![0].name = this.rename;
    this.got.push(t);
  }
}

function decoded(): ExportTraceServiceRequest {
  const bytes = encodeProtoRequest('traces', { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'orig' }] }] }] } as never);
  return decodeProtoRequest('traces', bytes) as ExportTraceServiceRequest;
}

describe('fan-out data ownership', () => {
  it('mutating consumers (refusing and local ones) get copies; the others share the original, unchanged', async () => {
    const gate = new Seen(true, false, 'gate');
    const local = new Seen(true, true, 'local');
    const reader = new Seen(false, true);
    const data = decoded();
    await new FanoutConsumer([gate, local, reader]).consume('traces', data);
    assert.equal(reader.got[0], data, 'a non-mutating consumer shares the object');
    assert.equal(data.resourceSpans![0].scopeSpans![0].spans![0].name, 'orig');
    assert.notEqual(gate.got[0], data);
    assert.equal(gate.got[0].resourceSpans![0].scopeSpans![0].spans![0].name, 'gate');
    assert.equal(local.got[0].resourceSpans![0].scopeSpans![0].spans![0].name, 'local');
    // Defaults of decoded messages survive the copy (kind 0 lives on the prototype).
    assert.equal(gate.got[0].resourceSpans![0].scopeSpans![0].spans![0].kind, 0);
  });

  it('a single consumer gets the caller\'s object (no copy), and the fan-out says it mutates', async () => {
    const only = new Seen(true);
    const data = decoded();
    const f = new FanoutConsumer([only]);
    await f.consume('traces', data);
    assert.equal(only.got[0], data);
    assert.equal(f.mutatesData, true);
    assert.equal(new FanoutConsumer([only, new Seen()]).mutatesData, false);
  });
});
