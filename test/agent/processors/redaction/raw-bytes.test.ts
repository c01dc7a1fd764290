/**
 * Redaction and byte forwarding (agent/otlp/raw.ts): a request redaction
 * changed loses its received bytes (they hold the secret); one it left
 * alone keeps them, also when other requests are redacted between its
 * slices. Every kind of change counts: a scanned value, a blocked key, a
 * span name, a status message, a resource attribute.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { attachRawBytes, rawBytesOf } from '../../../../agent/otlp/raw';
import type { ExportTraceServiceRequest } from '../../../../agent/otlp/model';
import { redactionProcessorFactory } from '../../../../agent/processors/redaction';
import type { RedactionProcessor } from '../../../../agent/processors/redaction/processor';
import { RecordingConsumer } from '../../../helpers/test-host';

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

function create(): RedactionProcessor {
  const config = redactionProcessorFactory.configSchema.parse({});
  return redactionProcessorFactory.create({ id: 'redaction', baseDir: '.', logger: pino({ level: 'silent' }) }, config, new RecordingConsumer()) as RedactionProcessor;
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
