/**
 * Export requests whose object tree is decoded on first access.
 *
 * The receiver scans a protobuf trace request's bytes (wire/traces.ts) and,
 * when they are well-formed and every span valid, hands the pipeline an
 * ExportTraceServiceRequest whose `resourceSpans` is a getter: the first
 * read decodes the bytes with protobufjs once and replaces the getter with
 * the decoded array. A consumer that only needs the bytes (the exporter's
 * queue), the span count (countItems) or what spanmetrics reads (the wire
 * visitor) never pays for the tree.
 *
 * Why a getter and not an explicit materialize() step: every existing reader
 * of the tree (processors, fan-out copies, batch, debug exporter, JSON
 * encoding, protobufjs encode and its `instanceof` check, the slow path
 * after raw bytes are dropped) keeps working unchanged, and a reader added
 * later cannot forget to call it. The object is an instance of the
 * protobufjs message class, so encode() and clone take it as decoded.
 *
 * No data loss: only bytes the strict scan walked completely get here, and
 * protobufjs decodes those without an error (wire/reader.ts), so a request
 * answered 200 always materializes.
 */
import type { ExportTraceServiceRequest, Signal, SignalData } from './model';
import { decodeProtoRequest } from './codec';
import { requestType } from './root';
import { asBuffer } from './wire/reader';
import { scanTraceRequest } from './wire/traces';

// The state lives on the object under symbols (invisible to protobufjs, JSON and Object.keys), and
// the accessor's functions are shared: every lazy request then has the same hidden class, where a
// WeakMap and per-object closures cost measurable GC time at 100 requests a second.
const BYTES = Symbol('lookout.undecodedBytes');
const SPANS = Symbol('lookout.scannedSpans');
const TREE = Symbol('lookout.resourceSpans');

interface LazyTraceRequest extends ExportTraceServiceRequest {
  [BYTES]: Buffer | undefined;
  [SPANS]: number;
  [TREE]: ExportTraceServiceRequest['resourceSpans'] | undefined;
}

/** Decodes on the first read; the request keeps the tree, and its bytes no longer stand for it alone. */
function getResourceSpans(this: LazyTraceRequest): ExportTraceServiceRequest['resourceSpans'] {
  let tree = this[TREE];
  if (tree === undefined) {
    const decoded = requestType('traces').decode(this[BYTES]!) as unknown as ExportTraceServiceRequest;
    tree = decoded.resourceSpans;
    this[TREE] = tree;
    this[BYTES] = undefined;
  }
  return tree;
}

function setResourceSpans(this: LazyTraceRequest, value: ExportTraceServiceRequest['resourceSpans']): void {
  this[TREE] = value;
  this[BYTES] = undefined;
}

const ACCESSOR: PropertyDescriptor = { get: getResourceSpans, set: setResourceSpans, enumerable: true, configurable: true };

/** A trace request over `bytes` (scanned: well-formed, every span valid), decoded on first access. */
export function lazyTraceRequest(bytes: Buffer, spans: number): ExportTraceServiceRequest {
  const obj = Object.create(requestType('traces').ctor.prototype as object) as LazyTraceRequest;
  obj[BYTES] = bytes;
  obj[SPANS] = spans;
  obj[TREE] = undefined;
  // An own property, as on a decoded message: spreads and Object.keys see it.
  Object.defineProperty(obj, 'resourceSpans', ACCESSOR);
  return obj;
}

/** The bytes of a request whose tree was not built yet (what it holds is exactly these bytes). */
export function undecodedBytesOf(data: object): Buffer | undefined {
  return (data as Partial<LazyTraceRequest>)[BYTES];
}

/** The item count the scan found, for a request not decoded yet; undefined otherwise. */
export function undecodedItemCount(data: object): number | undefined {
  const d = data as Partial<LazyTraceRequest>;
  return d[BYTES] === undefined ? undefined : d[SPANS];
}

/**
 * Decodes a protobuf request for the receiver. Traces take the fast path
 * when the scan vouches for the bytes and validation would reject nothing;
 * anything else (other signals, invalid spans, odd or broken bytes) is
 * decoded up front as before, so errors still answer 400.
 */
export function decodeProtoRequestLazily<S extends Signal>(signal: S, body: Uint8Array): SignalData[S] {
  if (signal === 'traces') {
    const bytes = asBuffer(body);
    const scan = scanTraceRequest(bytes);
    if (scan?.valid) return lazyTraceRequest(bytes, scan.spans) as SignalData[S];
  }
  return decodeProtoRequest(signal, body);
}
