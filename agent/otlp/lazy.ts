/**
 * Export requests whose object tree is decoded on first access.
 *
 * The receiver scans a protobuf trace or logs request's bytes (wire/) and,
 * when they are well-formed and every item valid, hands the pipeline a
 * request whose `resourceSpans` / `resourceLogs` is a getter: the first
 * read decodes the bytes with protobufjs once and keeps the decoded array.
 * A consumer that only needs the bytes (the exporter's queue), the item
 * count (countItems) or what spanmetrics / log_records_total read (the wire
 * visitors) never pays for the tree.
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
import type { Signal, SignalData } from './model';
import { decodeProtoRequest } from './codec';
import { requestType } from './root';
import { asBuffer } from './wire/reader';
import { scanTraceRequest } from './wire/traces';
import { scanLogsRequest } from './wire/logs';
import type { EnvelopeScan } from './wire/envelope';

// The state lives on the object under symbols (invisible to protobufjs, JSON and Object.keys), and
// the accessor's functions are shared: every lazy request then has the same hidden class, where a
// WeakMap and per-object closures cost measurable GC time at 100 requests a second.
const BYTES = Symbol('lookout.undecodedBytes');
const ITEMS = Symbol('lookout.scannedItems');
const TREE = Symbol('lookout.tree');

/** A request of either lazily decoded signal: its tree under `resourceSpans` or `resourceLogs`. */
interface LazyRequest {
  [BYTES]: Buffer | undefined;
  [ITEMS]: number;
  [TREE]: unknown;
}

type LazySignal = 'traces' | 'logs';
const TREE_FIELD = { traces: 'resourceSpans', logs: 'resourceLogs' } as const;

/**
 * The accessor of a signal's tree field: decodes on the first read; the
 * request then keeps the tree, and its bytes no longer stand for it alone.
 * One per signal, shared by every request of it.
 */
function accessorFor(signal: LazySignal): PropertyDescriptor {
  const field = TREE_FIELD[signal];
  return {
    get(this: LazyRequest): unknown {
      if (this[TREE] === undefined) {
        this[TREE] = (requestType(signal).decode(this[BYTES]!) as unknown as Record<string, unknown>)[field];
        this[BYTES] = undefined;
      }
      return this[TREE];
    },
    set(this: LazyRequest, value: unknown): void {
      this[TREE] = value;
      this[BYTES] = undefined;
    },
    enumerable: true,
    configurable: true,
  };
}

const ACCESSORS: Record<LazySignal, PropertyDescriptor> = { traces: accessorFor('traces'), logs: accessorFor('logs') };

/** A request over `bytes` (scanned: well-formed, every item valid) with `items` items, decoded on first access. */
export function lazyRequest<S extends LazySignal>(signal: S, bytes: Buffer, items: number): SignalData[S] {
  const obj = Object.create(requestType(signal).ctor.prototype as object) as LazyRequest;
  obj[BYTES] = bytes;
  obj[ITEMS] = items;
  obj[TREE] = undefined;
  // An own property, as on a decoded message: spreads and Object.keys see it.
  Object.defineProperty(obj, TREE_FIELD[signal], ACCESSORS[signal]);
  return obj as unknown as SignalData[S];
}

/** The bytes of a request whose tree was not built yet (what it holds is exactly these bytes). */
export function undecodedBytesOf(data: object): Buffer | undefined {
  return (data as Partial<LazyRequest>)[BYTES];
}

/** The item count the scan found, for a request not decoded yet; undefined otherwise. */
export function undecodedItemCount(data: object): number | undefined {
  const d = data as Partial<LazyRequest>;
  return d[BYTES] === undefined ? undefined : d[ITEMS];
}

/**
 * Decodes a protobuf request for the receiver. Traces take the fast path
 * when the scan vouches for the bytes and validation would reject nothing;
 * anything else (other signals, invalid spans, odd or broken bytes) is
 * decoded up front as before, so errors still answer 400.
 */
export function decodeProtoRequestLazily<S extends Signal>(signal: S, body: Uint8Array): SignalData[S] {
  const lazy: LazySignal | undefined = signal === 'traces' || signal === 'logs' ? signal : undefined;
  if (lazy) {
    const bytes = asBuffer(body);
    const scan = SCANS[lazy](bytes);
    if (scan?.valid) return lazyRequest(lazy, bytes, scan.items) as SignalData[S];
  }
  return decodeProtoRequest(signal, body);
}

/** Each lazily decoded signal's strict scan: its item count, and whether every item is valid. */
const SCANS: Record<LazySignal, (bytes: Buffer) => EnvelopeScan | undefined> = { traces: scanTraceRequest, logs: scanLogsRequest };
