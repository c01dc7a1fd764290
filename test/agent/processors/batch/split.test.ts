import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitRequest } from '../../../../agent/processors/batch/split';
import { mergeRequests } from '../../../../agent/processors/batch/merge';
import { decodeProtoRequest, encodeProtoRequest, toOtlpJsonObject } from '../../../../agent/otlp/codec';
import { countItems } from '../../../../agent/otlp/count';
import type { ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest, Metric } from '../../../../agent/otlp/model';
import { attributesToRecord } from '../../../../agent/otlp/values';
import { logs, metrics, spans } from '../../exporters/otlp/fixtures';

/** Traces with `shape[r][s]` spans in scope s of resource r; span names say where they come from. */
function shaped(shape: number[][]): ExportTraceServiceRequest {
  const encoded = encodeProtoRequest('traces', {
    resourceSpans: shape.map((scopes, r) => ({
      resource: { attributes: [{ key: 'r', value: { intValue: r } }] },
      scopeSpans: scopes.map((n, s) => ({
        scope: { name: `scope${s}` },
        spans: Array.from({ length: n }, (_, i) => ({ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: `${r}/${s}/${i}`, startTimeUnixNano: 1, endTimeUnixNano: 2 })),
      })),
    })),
  });
  return decodeProtoRequest('traces', encoded);
}

/** Every span as "resource attr r | scope name | span name", in order. */
function located(reqs: ExportTraceServiceRequest[]): string[] {
  return reqs.flatMap((req) => req.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) =>
    ss.spans.map((sp) => `${attributesToRecord(rs.resource?.attributes).r}|${ss.scope?.name}|${sp.name}`))));
}

describe('exporter batching: merge and split', () => {
  it('merge concatenates resource entries; a single request passes through as is', () => {
    const a = spans(2, 0, 'a');
    assert.equal(mergeRequests('traces', [a]), a);
    const merged = mergeRequests('traces', [a, spans(1, 2, 'b'), spans(3, 3, 'c')]);
    assert.equal(merged.resourceSpans.length, 3);
    assert.equal(countItems('traces', merged), 6);
    assert.deepEqual(merged.resourceSpans.map((rs) => attributesToRecord(rs.resource?.attributes)['service.name']), ['a', 'b', 'c']);
  });

  it('a request that fits is returned untouched', () => {
    const req = spans(4);
    assert.deepEqual(splitRequest('traces', req, 4), [req]);
    assert.equal(splitRequest('traces', req, 100)[0], req);
  });

  it('traces: parts hold at most max spans, in order, each under its own resource and scope (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 4 }), { maxLength: 4 }),
      fc.integer({ min: 1, max: 9 }),
      (shape, max) => {
        const req = shaped(shape);
        const total = countItems('traces', req);
        const parts = splitRequest('traces', req, max);
        for (const p of parts) assert.ok(countItems('traces', p) <= max);
        if (total > max) assert.ok(parts.length >= Math.ceil(total / max) && parts.length <= Math.ceil(total / max) * 2);
        assert.deepEqual(located(parts), located([req]), 'same spans, same order, same resource and scope');
        // Every part encodes and decodes back to itself.
        for (const p of parts) assert.deepEqual(located([decodeProtoRequest('traces', encodeProtoRequest('traces', p))]), located([p]));
      },
    ), { numRuns: 200 });
  });

  it('logs: split by record, resource attributes kept in every part', () => {
    const req: ExportLogsServiceRequest = mergeRequests('logs', [logs(5, 0), logs(2, 5)]);
    const parts = splitRequest('logs', req, 3);
    assert.deepEqual(parts.map((p) => countItems('logs', p)), [3, 3, 1]);
    const bodies = parts.flatMap((p) => p.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((l) => l.body?.stringValue))));
    assert.deepEqual(bodies, Array.from({ length: 7 }, (_, i) => `line ${i}`));
    for (const p of parts) for (const rl of p.resourceLogs) assert.equal(attributesToRecord(rl.resource?.attributes)['service.name'], 'svc');
  });

  it('metrics: whole metrics stay whole when they fit; a large metric is cut into copies with slices of its points', () => {
    const points = (n: number) => Array.from({ length: n }, (_, i) => ({ timeUnixNano: 1, asInt: i, attributes: [{ key: 'i', value: { intValue: i } }] }));
    const req = decodeProtoRequest('metrics', encodeProtoRequest('metrics', {
      resourceMetrics: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'm' } }] },
        scopeMetrics: [{
          scope: { name: 'meter' },
          metrics: [
            { name: 'small', gauge: { dataPoints: points(2) } },
            { name: 'big', unit: 'By', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: points(9) } },
          ],
        }],
      }],
    } as unknown as ExportMetricsServiceRequest));
    const parts = splitRequest('metrics', req, 4);
    const view = parts.map((p) => p.resourceMetrics[0].scopeMetrics[0].metrics.map((m: Metric) => `${m.name}:${(m.gauge ?? m.sum)!.dataPoints.length}`));
    assert.deepEqual(view, [['small:2', 'big:2'], ['big:4'], ['big:3']]);
    const bigParts = parts.flatMap((p) => p.resourceMetrics[0].scopeMetrics[0].metrics.filter((m: Metric) => m.name === 'big'));
    for (const m of bigParts) {
      assert.equal(m.unit, 'By');
      assert.equal(m.sum?.isMonotonic, true);
      assert.equal(m.sum?.aggregationTemporality, 2);
    }
    const values = bigParts.flatMap((m: Metric) => m.sum!.dataPoints.map((dp) => Number(dp.asInt)));
    assert.deepEqual(values, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // Parts survive the wire.
    for (const p of parts) assert.equal(countItems('metrics', decodeProtoRequest('metrics', encodeProtoRequest('metrics', p))), countItems('metrics', p));
  });

  it('metrics of every type split losslessly', () => {
    const req = metrics();
    const parts = splitRequest('metrics', req, 1);
    assert.equal(parts.length, 6);
    const names = parts.map((p) => p.resourceMetrics[0].scopeMetrics[0].metrics[0].name);
    assert.deepEqual(names, ['temp', 'requests', 'requests', 'latency', 'size', 'rpc']);
    const rejoined = mergeRequests('metrics', parts);
    const points = (r: ExportMetricsServiceRequest) => (toOtlpJsonObject('metrics', r) as { resourceMetrics: { scopeMetrics: { metrics: Record<string, { dataPoints: unknown[] }>[] }[] }[] })
      .resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.flatMap((m) => Object.values(m).flatMap((v) => (v as { dataPoints?: unknown[] }).dataPoints ?? []))));
    assert.deepEqual(points(rejoined), points(req));
  });

  it('keeps scopes and resources that hold no items', () => {
    const req = shaped([[0, 2], []]);
    const parts = splitRequest('traces', req, 1);
    assert.equal(parts.length, 2);
    assert.equal(countItems('traces', parts[0]) + countItems('traces', parts[1]), 2);
    const scopeNames = parts.flatMap((p) => p.resourceSpans.flatMap((rs) => rs.scopeSpans.map((ss) => ss.scope?.name)));
    assert.ok(scopeNames.includes('scope0'), 'the empty scope is not lost');
    assert.equal(parts.reduce((n, p) => n + p.resourceSpans.length, 0), 3, 'r0 in two parts, plus the empty r1');
  });
});
