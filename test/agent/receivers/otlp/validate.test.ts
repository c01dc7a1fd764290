import assert from 'node:assert/strict';
import { validateRequest } from '../../../../agent/receivers/otlp/validate';
import { decodeProtoRequest, encodeProtoRequest } from '../../../../agent/otlp/codec';
import type { ExportTraceServiceRequest } from '../../../../agent/otlp/model';

const id = (n: number, fill: number) => Buffer.alloc(n, fill);
const span = (name: string, over: Record<string, unknown> = {}) => ({ traceId: id(16, 1), spanId: id(8, 2), name, ...over });

describe('validateRequest', () => {
  it('a valid request is left as it is (same arrays, nothing rejected)', () => {
    const req = decodeProtoRequest('traces', encodeProtoRequest('traces', { resourceSpans: [{ scopeSpans: [{ spans: [span('a'), span('b', { parentSpanId: id(8, 9) })] }] }] } as never));
    const spans = req.resourceSpans[0].scopeSpans[0].spans;
    assert.deepEqual(validateRequest('traces', req), { rejected: 0, errorMessage: '' });
    assert.equal(req.resourceSpans[0].scopeSpans[0].spans, spans);
  });

  it('drops invalid spans and the envelopes they leave empty, but not envelopes sent empty', () => {
    const req = {
      resourceSpans: [
        { scopeSpans: [{ spans: [span('bad', { spanId: id(8, 0) })] }] },
        { scopeSpans: [{ spans: [span('ok'), span('bad2', { traceId: id(15, 1) })] }, { spans: [] }] },
      ],
    } as unknown as ExportTraceServiceRequest;
    const result = validateRequest('traces', req);
    assert.equal(result.rejected, 2);
    assert.equal(req.resourceSpans.length, 1, 'the resource emptied by validation is removed');
    assert.equal(req.resourceSpans[0].scopeSpans.length, 2, 'the scope sent empty stays');
    assert.deepEqual(req.resourceSpans[0].scopeSpans[0].spans.map((s) => s.name), ['ok']);
  });

  it('lists the first five distinct problems and summarises the rest', () => {
    const spans = [
      ...Array.from({ length: 300 }, () => span('zero-trace', { traceId: id(16, 0) })),
      ...[1, 2, 3, 4, 5, 6, 7].map((n) => span(`len-${n}`, { spanId: id(n, 1) })),
    ];
    const result = validateRequest('traces', { resourceSpans: [{ scopeSpans: [{ spans }] }] } as unknown as ExportTraceServiceRequest);
    assert.equal(result.rejected, 307);
    assert.match(result.errorMessage, /^307 spans rejected: /);
    assert.equal(result.errorMessage.match(/trace_id is all zeros/g)?.length, 1, 'one line for 300 identical problems');
    assert.match(result.errorMessage, /; and 3 more kinds of problem$/);
    assert.ok(result.errorMessage.length < 1000, 'bounded message');
  });

  it('metrics without data are dropped and named though they hold no points', () => {
    const req = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'empty' }, { name: 'ok', sum: { dataPoints: [] } }] }] }] };
    const result = validateRequest('metrics', req as never);
    assert.equal(result.rejected, 0);
    assert.match(result.errorMessage, /^0 data points rejected, 1 metric without data points dropped: resource_metrics\[0\]\.scope_metrics\[0\]\.metrics\[0\]: metric "empty" has no data/);
    assert.deepEqual(req.resourceMetrics[0].scopeMetrics[0].metrics.map((m) => m.name), ['ok']);
  });

  it('log records may omit ids but not carry wrong-length ones', () => {
    const req = { resourceLogs: [{ scopeLogs: [{ logRecords: [{}, { traceId: id(16, 1), spanId: id(8, 1) }, { spanId: id(4, 1) }] }] }] };
    const result = validateRequest('logs', req as never);
    assert.equal(result.rejected, 1);
    assert.equal(req.resourceLogs[0].scopeLogs[0].logRecords.length, 2);
  });
});
