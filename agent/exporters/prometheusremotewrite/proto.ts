/**
 * Prometheus remote write 1.0 protobuf messages (prompb/remote.proto and
 * types.proto: WriteRequest, TimeSeries, Label, Sample), built with
 * protobufjs from the spec's field numbers, and the snappy block framing.
 */
import protobuf from 'protobufjs';
import { compress, uncompress } from 'snappyjs';

const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: {
          fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 }, metadata: { rule: 'repeated', type: 'MetricMetadata', id: 3 } },
          reserved: [[2, 2]],
        },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
        MetricMetadata: {
          fields: {
            type: { type: 'int32', id: 1 },
            metric_family_name: { type: 'string', id: 2 },
            help: { type: 'string', id: 4 },
            unit: { type: 'string', id: 5 },
          },
        },
      },
    },
  },
});

const WriteRequestType = root.lookupType('prometheus.WriteRequest');

export interface RwLabel { name: string; value: string }
export interface RwSample { value: number; timestamp: number }
export interface RwTimeSeries { labels: RwLabel[]; samples: RwSample[] }
export interface RwWriteRequest { timeseries: RwTimeSeries[] }

/** Prometheus' StaleNaN (0x7ff0000000000002): the value remote write sends for a staleness marker. */
export const STALE_NAN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0];

/** A WriteRequest as protobuf bytes. Labels must be sorted by name (the spec requires it). */
export function encodeWriteRequest(req: RwWriteRequest): Uint8Array {
  // Plain objects of the right shape encode directly (fromObject would copy every series first).
  return WriteRequestType.encode(req).finish();
}

export function decodeWriteRequest(bytes: Uint8Array): RwWriteRequest {
  const msg = WriteRequestType.decode(bytes);
  return WriteRequestType.toObject(msg, { longs: Number, defaults: true }) as RwWriteRequest;
}

/** Snappy block format (not the framed/stream format), as remote write requires. */
export function snappyCompress(bytes: Uint8Array): Uint8Array {
  return compress(bytes);
}

export function snappyUncompress(bytes: Uint8Array): Uint8Array {
  return uncompress(bytes);
}
