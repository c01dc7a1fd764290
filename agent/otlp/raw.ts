/**
 * The protobuf bytes a decoded export request arrived as, kept beside it so
 * the exporter's queue can store and forward them instead of encoding the
 * request again (decode + re-encode was the largest CPU cost of ingest).
 *
 * Attached by the OTLP receiver only when the bytes say exactly what the
 * decoded request says: protobuf input (not OTLP/JSON) that validation left
 * untouched. From there, every step that may change a request must keep the
 * two in step, and the pipeline makes that hold by construction:
 *
 *  - a pipeline keeps the bytes only through processors whose factory
 *    declares `keepsRawBytes` (they either never change data, or drop the
 *    bytes when they did, as redaction does); any other processor
 *    (attributes, resource, filter) makes the pipeline drop them on entry;
 *  - a fan-out gives a mutating branch a deep copy, and a copy is a new
 *    object with no bytes attached, so one branch's change never travels
 *    with another branch's bytes;
 *  - a new request built from others (batching, splitting) has none either.
 *
 * A WeakMap, so the bytes go when the request does. Unknown protobuf fields
 * the sender included are forwarded as received on the fast path (decoding
 * would have dropped them).
 */
const RAW = new WeakMap<object, Uint8Array>();

/** Marks `bytes` as the exact protobuf encoding of `data`. */
export function attachRawBytes(data: object, bytes: Uint8Array): void {
  RAW.set(data, bytes);
}

/** The bytes `data` arrived as, when nothing changed it since. */
export function rawBytesOf(data: object): Uint8Array | undefined {
  return RAW.get(data);
}

/** `data` was (or may have been) changed: its received bytes no longer describe it. */
export function dropRawBytes(data: object): void {
  RAW.delete(data);
}
