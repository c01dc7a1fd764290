/**
 * google.rpc.Status carrying a google.rpc.RetryInfo detail: how an OTLP/gRPC
 * server tells a throttled client how long to wait (the gRPC counterpart of
 * HTTP's Retry-After), sent in the grpc-status-details-bin trailer.
 *
 * RetryInfo { google.protobuf.Duration retry_delay = 1; }
 * Duration  { int64 seconds = 1; int32 nanos = 2; }
 * are two tiny messages, written with protobufjs' Writer rather than adding
 * their schema to the shared OTLP root.
 */
import protobuf from 'protobufjs';
import { rpcStatusType } from '../../otlp/root';

export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

export function encodeRetryInfo(seconds: number): Uint8Array {
  const whole = Math.floor(seconds);
  const nanos = Math.round((seconds - whole) * 1e9);
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).fork(); // retry_delay, length-delimited
  if (whole) w.uint32((1 << 3) | 0).int64(whole); // seconds, varint
  if (nanos) w.uint32((2 << 3) | 0).int32(nanos); // nanos, varint
  w.ldelim();
  return w.finish();
}

/** Reads the delay back (tests, and any client code of ours). */
export function decodeRetryInfo(bytes: Uint8Array): number {
  const outer = protobuf.Reader.create(bytes);
  let seconds = 0;
  while (outer.pos < outer.len) {
    const tag = outer.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === 2) {
      const inner = protobuf.Reader.create(outer.bytes());
      while (inner.pos < inner.len) {
        const t = inner.uint32();
        if (t >>> 3 === 1 && (t & 7) === 0) seconds += Number(inner.int64().toString());
        else if (t >>> 3 === 2 && (t & 7) === 0) seconds += inner.int32() / 1e9;
        else inner.skipType(t & 7);
      }
    } else {
      outer.skipType(tag & 7);
    }
  }
  return seconds;
}

export function encodeRpcStatusWithRetryInfo(code: number, message: string, retryAfterSeconds: number): Buffer {
  const type = rpcStatusType();
  const msg = type.fromObject({ code, message, details: [{ typeUrl: RETRY_INFO_TYPE_URL, value: encodeRetryInfo(retryAfterSeconds) }] });
  return Buffer.from(type.encode(msg).finish());
}
