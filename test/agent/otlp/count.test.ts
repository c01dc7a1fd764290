import assert from 'node:assert/strict';
import { countItems, countMetricPoints, formatItemCount } from '../../../agent/otlp/count';
import { decodeProtoRequest, encodeProtoRequest } from '../../../agent/otlp/codec';
import type { ExportMetricsServiceRequest, ExportTraceServiceRequest } from '../../../agent/otlp/model';

describe('countItems', () => {
  it('counts spans across resources and scopes', () => {
    const req = { resourceSpans: [{ scopeSpans: [{ spans: [{}, {}] }, { spans: [{}] }] }, { scopeSpans: [] }, { scopeSpans: [{ spans: [{}] }] }] };
    assert.equal(countItems('traces', req as unknown as ExportTraceServiceRequest), 4);
  });

  it('counts data points of every metric type, not metrics', () => {
    const req = {
      resourceMetrics: [{
        scopeMetrics: [{
          metrics: [
            { name: 'g', gauge: { dataPoints: [{}, {}] } },
            { name: 's', sum: { dataPoints: [{}] } },
            { name: 'h', histogram: { dataPoints: [{}, {}, {}] } },
            { name: 'e', exponentialHistogram: { dataPoints: [{}] } },
            { name: 'q', summary: { dataPoints: [{}, {}] } },
            { name: 'none' },
          ],
        }],
      }],
    };
    assert.equal(countItems('metrics', req as unknown as ExportMetricsServiceRequest), 9);
    // Decoded messages (absent fields read through the prototype) count the same.
    const decoded = decodeProtoRequest('metrics', encodeProtoRequest('metrics', req as never));
    assert.equal(countItems('metrics', decoded), 9);
    assert.equal(countMetricPoints(decoded.resourceMetrics[0].scopeMetrics[0].metrics[5]), 0);
  });

  it('counts log records; empty requests count 0', () => {
    assert.equal(countItems('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{}, {}, {}] }] }] }), 3);
    assert.equal(countItems('logs', { resourceLogs: [] }), 0);
    assert.equal(countItems('traces', decodeProtoRequest('traces', new Uint8Array())), 0);
  });

  it('names item counts for messages', () => {
    assert.equal(formatItemCount('traces', 1), '1 span');
    assert.equal(formatItemCount('metrics', 2), '2 data points');
    assert.equal(formatItemCount('logs', 0), '0 log records');
  });
});
