/**
 * Redaction and byte forwarding (agent/otlp/raw.ts): a request redaction
 * changed loses its received bytes (they hold the secret); one it left
 * alone keeps them, also when other requests are redacted between its
 * slices. Every kind of change counts: a scanned value, a blocked key, a
 * span name, a status message, a resource attribute. With real received
 * bytes the pre-scan decides first: a clean request is handed on without
 * being read at all, a dirty one is walked and redacted; both are counted.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { decodeProtoRequest, encodeProtoRequest } from '../../../../agent/otlp/codec';
import { attachRawBytes, rawBytesOf } from '../../../../agent/otlp/raw';
import type { ExportTraceServiceRequest } from '../../../../agent/otlp/model';
import { redactionProcessorFactory } from '../../../../agent/processors/redaction';
import { PRESCAN_REST_REQUESTS, type RedactionProcessor } from '../../../../agent/processors/redaction/processor';
import { counterValue, RecordingConsumer, testHost } from '../../../helpers/test-host';

const SECRET = 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const s = (v: string) => ({ stringValue: v });

function traces(change?: 'value' | 'blocked_key' | 'name' | 'status' | 'resource'): ExportTraceServiceRequest {
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: s(change === 'resource' ? `svc ${SECRET}` : 'svc') }] },
      scopeSpans: [{ spans: [{
        name: change === 'name' ? `GET ${SECRET}` : 'GET /x',
        status: { code: 2, message: change === 'status' ? `failed with ${SECRET}` : 'failed' },
        attributes: [
          { key: 'http.route', value: s('/x') },
          { key: 'note', value: s(change === 'value' ? `sent ${SECRET}` : 'nothing to see') },
          ...(change === 'blocked_key' ? [{ key: 'db.password', value: s('hunter2') }] : []),
        ],
      }] }],
    }],
  } as unknown as ExportTraceServiceRequest;
}

function create(cfg: Record<string, unknown> = {}, next = new RecordingConsumer()): RedactionProcessor {
  const config = redactionProcessorFactory.configSchema.parse(cfg);
  return redactionProcessorFactory.create({ id: 'redaction', baseDir: '.', logger: pino({ level: 'silent' }) }, config, next) as RedactionProcessor;
}

/** A request that throws on any read of it: what "handed on without being read" means. */
function untouchable(): ExportTraceServiceRequest {
  const fail = (): never => {
    throw new Error('the processor read a request the pre-scan found clean');
  };
  return new Proxy({}, { get: fail, has: fail, ownKeys: fail, getOwnPropertyDescriptor: fail, set: fail }) as ExportTraceServiceRequest;
}

describe('redaction keeps received bytes only for requests it did not change', () => {
  it('a clean request keeps its bytes', async () => {
    const data = traces();
    attachRawBytes(data, Buffer.from('raw'));
    await create().consume('traces', data);
    assert.ok(rawBytesOf(data));
  });

  for (const change of ['value', 'blocked_key', 'name', 'status', 'resource'] as const) {
    it(`a change (${change}) drops them, through consume() and redact()`, async () => {
      const proc = create();
      const viaConsume = traces(change);
      attachRawBytes(viaConsume, Buffer.from('raw'));
      await proc.consume('traces', viaConsume);
      assert.equal(rawBytesOf(viaConsume), undefined);
      const viaRedact = traces(change);
      attachRawBytes(viaRedact, Buffer.from('raw'));
      proc.redact('traces', viaRedact);
      assert.equal(rawBytesOf(viaRedact), undefined);
    });
  }

  it('requests redacted at the same time do not mix up their changes', async () => {
    const proc = create();
    const clean = traces();
    const dirty = traces('value');
    attachRawBytes(clean, Buffer.from('a'));
    attachRawBytes(dirty, Buffer.from('b'));
    await Promise.all([proc.consume('traces', dirty), proc.consume('traces', clean)]);
    assert.ok(rawBytesOf(clean));
    assert.equal(rawBytesOf(dirty), undefined);
  });
});

describe('redaction pre-scans the received bytes', () => {
  const received = (data: ExportTraceServiceRequest) => Buffer.from(encodeProtoRequest('traces', data));

  it('hands a clean request on untouched: not read, its bytes kept as they were; counted clean', async () => {
    const host = testHost();
    const next = new RecordingConsumer();
    const proc = create({}, next);
    await proc.start(host);
    const bytes = received(traces());
    const data = untouchable();
    attachRawBytes(data, bytes);
    await proc.consume('traces', data);
    proc.redact('traces', data);
    assert.equal(next.received[0].data, data);
    assert.equal(rawBytesOf(data), bytes);
    assert.equal(await counterValue(host, 'lookout_redaction_prescan_requests_total', { signal: 'traces', outcome: 'clean' }), 2);
    assert.equal(await counterValue(host, 'lookout_redaction_prescan_requests_total', { signal: 'traces', outcome: 'walked' }), 0);
    await host.cleanup();
  });

  for (const change of ['value', 'blocked_key', 'name', 'status', 'resource'] as const) {
    it(`walks and redacts a dirty one (${change}), which loses its bytes; counted walked`, async () => {
      const host = testHost();
      const proc = create();
      await proc.start(host);
      const bytes = received(traces(change));
      const data = decodeProtoRequest('traces', bytes);
      attachRawBytes(data, bytes);
      await proc.consume('traces', data);
      assert.equal(rawBytesOf(data), undefined);
      assert.ok(!JSON.stringify(data).includes('dozjgNryP4J3jVmNHl0w5N') && !JSON.stringify(data).includes('hunter2'));
      assert.equal(await counterValue(host, 'lookout_redaction_prescan_requests_total', { signal: 'traces', outcome: 'walked' }), 1);
      await host.cleanup();
    });
  }

  it('gives up on a prose-heavy request (over budget: walked), then walks the next ones of that signal unscanned before trying again', async () => {
    const host = testHost();
    const proc = create();
    await proc.start(host);
    const prose = traces();
    prose.resourceSpans[0].scopeSpans[0].spans[0].attributes!.push({ key: 'note', value: s('a b c d e f g h '.repeat(200)) } as never);
    const send = async (data: ExportTraceServiceRequest) => {
      const copy = decodeProtoRequest('traces', received(data));
      attachRawBytes(copy, received(data));
      await proc.consume('traces', copy);
    };
    await send(prose);
    for (let i = 0; i < PRESCAN_REST_REQUESTS; i++) await send(traces());
    await send(traces());
    const count = (outcome: string) => counterValue(host, 'lookout_redaction_prescan_requests_total', { signal: 'traces', outcome });
    assert.deepEqual([await count('over_budget'), await count('resting'), await count('clean')], [1, PRESCAN_REST_REQUESTS, 1]);
    await host.cleanup();
  });

  it('a request with `_` in every attribute key (the Collector testbed\'s spans) is clean, not over budget', async () => {
    const host = testHost();
    const proc = create();
    await proc.start(host);
    const int = (key: string, v: number) => ({ key, value: { intValue: v } });
    const spans = Array.from({ length: 100 }, (_, i) => ({
      traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, i + 1), name: 'load-generator-span', kind: 3,
      startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000001000000',
      attributes: [int('load_generator.span_seq_num', i), int('load_generator.trace_seq_num', 1)],
    }));
    const bytes = received({ resourceSpans: [{ resource: {}, scopeSpans: [{ scope: { name: 'bench' }, spans }] }] } as never);
    // Six `_` per 143-byte span: over the first budget (one per 64 bytes), which walked and decoded them all.
    assert.ok(bytes.length / 600 < 64);
    const data = decodeProtoRequest('traces', bytes);
    attachRawBytes(data, bytes);
    await proc.consume('traces', data);
    assert.equal(rawBytesOf(data), bytes);
    assert.equal(await counterValue(host, 'lookout_redaction_prescan_requests_total', { signal: 'traces', outcome: 'clean' }), 1);
    await host.cleanup();
  });

  it('raw_prescan: false, requests without bytes (OTLP/JSON) and a Uint8Array that is not a Buffer are walked, not counted', async () => {
    const host = testHost();
    const off = create({ raw_prescan: false });
    const on = create();
    await off.start(host);
    await on.start(host);
    const bytes = received(traces());
    for (const [proc, attach] of [[off, bytes], [on, undefined], [on, new Uint8Array(bytes)]] as const) {
      let reads = 0;
      const data = new Proxy(traces(), { get: (t, k) => { reads++; return Reflect.get(t, k); } });
      if (attach) attachRawBytes(data, attach);
      await proc.consume('traces', data);
      assert.ok(reads > 0);
    }
    assert.equal(await counterValue(host, 'lookout_redaction_prescan_requests_total', {}), 0);
    await host.cleanup();
  });
});
