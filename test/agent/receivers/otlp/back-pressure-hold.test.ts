/**
 * receivers.otlp.back_pressure_hold: after the pipeline refused a signal
 * with back-pressure (the exporter's queue full), its next requests are
 * refused before they are read or decoded, until the hold is over; other
 * signals, bugs and permanent refusals are not held back.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { PermanentError, RetryableError } from '../../../../agent/component/component';
import { ConsumerRefusal, Ingest } from '../../../../agent/receivers/otlp/ingest';
import { GrowingRetryAfter } from '../../../../agent/receivers/otlp/retry-after';
import { ReceiverTelemetry } from '../../../../agent/receivers/otlp/telemetry';
import { otlpReceiverConfigSchema } from '../../../../agent/receivers/otlp/config';
import type { ExportLogsServiceRequest } from '../../../../agent/otlp/model';
import { waitFor } from '../../../helpers/wait';
import { counterValue, RecordingConsumer, testHost } from './host';

const logs = (): ExportLogsServiceRequest => ({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x' } }] }] }] } as unknown as ExportLogsServiceRequest);

describe('receivers.otlp.back_pressure_hold', () => {
  it('defaults to 100 ms; 0s turns it off', () => {
    assert.equal(otlpReceiverConfigSchema.parse({}).back_pressure_hold, 100);
    assert.equal(otlpReceiverConfigSchema.parse({ back_pressure_hold: '0s' }).back_pressure_hold, 0);
  });

  it('refuses unread (never decoded, never handed on) within the hold after a back-pressure refusal, then tries again', async () => {
    const host = testHost();
    const next = new RecordingConsumer();
    const ingest = new Ingest(next, new ReceiverTelemetry(host.meter, 'otlp'), pino({ level: 'silent' }), {
      retryAfter: new GrowingRetryAfter(1, 8), backPressureHoldMs: 300,
    });
    let calls = 0;
    next.behaviour = () => { calls++; throw new RetryableError('queue is full'); };
    await assert.rejects(ingest.export('logs', logs(), 'http'), ConsumerRefusal);
    assert.equal(calls, 1);
    const held = ingest.admit('logs', 'http');
    assert.ok(held, 'the next logs request is refused before its body is read');
    assert.equal(held.httpStatus, 503);
    assert.ok((held.retryAfterSeconds ?? 0) >= 1, 'with a Retry-After');
    assert.equal(ingest.admit('traces', 'http'), undefined, 'another signal is not held back');
    assert.equal(await counterValue(host, 'lookout_receiver_back_pressure_refused_requests', { signal: 'logs' }), 1);
    // After the hold, a request is decoded and tried again (and accepted once the queue has room).
    next.behaviour = undefined;
    await waitFor(() => ingest.admit('logs', 'http') === undefined, { what: 'the hold to end', timeoutMs: 5000 });
    await ingest.export('logs', logs(), 'http');
    assert.equal(next.of('logs').length, 1);
    assert.equal(ingest.admit('logs', 'http'), undefined);
    await host.cleanup();
  });

  it('is not started by a permanent refusal or a bug, nor when set to 0', async () => {
    const host = testHost();
    const next = new RecordingConsumer();
    const telemetry = new ReceiverTelemetry(host.meter, 'otlp');
    const held = new Ingest(next, telemetry, pino({ level: 'silent' }), { backPressureHoldMs: 60_000 });
    for (const err of [new PermanentError('bad data'), new Error('a bug')]) {
      next.behaviour = () => { throw err; };
      await assert.rejects(held.export('logs', logs(), 'http'), ConsumerRefusal);
      assert.equal(held.admit('logs', 'http'), undefined, err.message);
    }
    const off = new Ingest(next, telemetry, pino({ level: 'silent' }), { backPressureHoldMs: 0 });
    next.behaviour = () => { throw new RetryableError('queue is full'); };
    await assert.rejects(off.export('logs', logs(), 'http'), ConsumerRefusal);
    assert.equal(off.admit('logs', 'http'), undefined);
    await host.cleanup();
  });
});
