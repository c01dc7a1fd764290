/**
 * OTLP requests for the exporter tests, decoded from OTLP/JSON the way the
 * receiver hands them to the pipeline (protobufjs messages, Long timestamps).
 */
import { decodeJsonRequest, toOtlpJsonObject } from '../../../../agent/otlp/codec';
import type {
  ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest, Signal, SignalData,
} from '../../../../agent/otlp/model';

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** n spans named s<from>..s<from+n-1>, span ids from+1.., one resource `service`. */
export function spans(n: number, from = 0, service = 'svc'): ExportTraceServiceRequest {
  return decodeJsonRequest('traces', JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [str('service.name', service)] },
      scopeSpans: [{
        scope: { name: 'scope', version: '1.2.3' },
        spans: Array.from({ length: n }, (_, i) => ({
          traceId: '0102030405060708090a0b0c0d0e0f10',
          spanId: (from + i + 1).toString(16).padStart(16, '0'),
          parentSpanId: 'ffffffffffffff01',
          name: `s${from + i}`,
          kind: 2,
          startTimeUnixNano: String(1700000000000000123n + BigInt(from + i)),
          endTimeUnixNano: '1700000001000000456',
          attributes: [{ key: 'i', value: { intValue: String(from + i) } }, str('http.route', '/orders/:id'), { key: 'ok', value: { boolValue: true } }],
          events: [{ timeUnixNano: '1700000000500000000', name: 'retry', attributes: [str('why', 'busy')] }],
          status: { code: 2, message: 'boom' },
        })),
      }],
    }],
  }));
}

/** A request with gauge, monotonic sum, histogram, exponential histogram and summary: 1 + 2 + 1 + 1 + 1 = 6 points. */
export function metrics(): ExportMetricsServiceRequest {
  const t = { startTimeUnixNano: '1700000000000000000', timeUnixNano: '1700000010000000000' };
  return decodeJsonRequest('metrics', JSON.stringify({
    resourceMetrics: [{
      resource: { attributes: [str('service.name', 'svc')] },
      scopeMetrics: [{
        scope: { name: 'meter' },
        metrics: [
          { name: 'temp', unit: 'Cel', gauge: { dataPoints: [{ ...t, asDouble: 21.5, attributes: [str('room', 'a')] }] } },
          { name: 'requests', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ ...t, asInt: '42', attributes: [str('code', '200')] }, { ...t, asInt: '3', attributes: [str('code', '500')] }] } },
          { name: 'latency', unit: 's', histogram: { aggregationTemporality: 2, dataPoints: [{ ...t, count: '5', sum: 1.25, bucketCounts: ['1', '3', '1'], explicitBounds: [0.1, 0.5], min: 0.01, max: 0.9 }] } },
          { name: 'size', exponentialHistogram: { aggregationTemporality: 1, dataPoints: [{ ...t, count: '3', sum: 30, scale: 2, zeroCount: '1', positive: { offset: 4, bucketCounts: ['1', '1'] } }] } },
          { name: 'rpc', summary: { dataPoints: [{ ...t, count: '10', sum: 5, quantileValues: [{ quantile: 0.5, value: 0.4 }, { quantile: 0.99, value: 1.2 }] }] } },
        ],
      }],
    }],
  }));
}

export function logs(n: number, from = 0): ExportLogsServiceRequest {
  return decodeJsonRequest('logs', JSON.stringify({
    resourceLogs: [{
      resource: { attributes: [str('service.name', 'svc')] },
      scopeLogs: [{
        scope: { name: 'logger' },
        logRecords: Array.from({ length: n }, (_, i) => ({
          timeUnixNano: String(1700000000000000000n + BigInt(from + i)),
          observedTimeUnixNano: '1700000000000000999',
          severityNumber: 17,
          severityText: 'ERROR',
          body: { stringValue: `line ${from + i}` },
          attributes: [str('logger', 'app'), { key: 'n', value: { intValue: String(from + i) } }],
          traceId: '0102030405060708090a0b0c0d0e0f10',
          spanId: '0000000000000001',
        })),
      }],
    }],
  }));
}

/** The OTLP/JSON object of a request: a full, comparable view (hex ids, int64 as strings). */
export function asJson<S extends Signal>(signal: S, data: SignalData[S]): unknown {
  return toOtlpJsonObject(signal, data);
}

export function spanNames(requests: ExportTraceServiceRequest[]): string[] {
  return requests.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))));
}
