/**
 * The envelope every OTLP export request shares, whatever its items:
 * request { 1: Resource<Signal> } -> { 1: Resource, 2: Scope<Signal>, 3: schema_url }
 * -> { 1: InstrumentationScope, 2: item, 3: schema_url } (../schema.ts:
 * ResourceSpans/ScopeSpans, ResourceLogs/ScopeLogs). The item scanner and
 * visitor are the signal's.
 */
import { expectWire, WIRE_LEN, WireError, WireReader } from './reader';
import { LEN, readField, RESOURCE, SCOPE } from './schema';

export interface EnvelopeScan {
  /** Items in the request (spans, log records). */
  items: number;
  /** Every item passes the receiver's validation. */
  valid: boolean;
}

/**
 * Walks every field of a request; `scanItem` walks one item from r.pos to
 * `end` and says whether it is valid. undefined when the bytes are not
 * well-formed by the strict reader's rules.
 */
export function scanEnvelope(buf: Uint8Array, scanItem: (r: WireReader, end: number) => boolean): EnvelopeScan | undefined {
  try {
    const r = new WireReader(buf);
    let items = 0;
    let valid = true;
    while (r.pos < r.end) {
      const t = r.tag();
      if (t >>> 3 !== 1) { r.skip(t & 7); continue; }
      expectWire(t, WIRE_LEN, r);
      const resourceEnd = r.lengthEnd();
      r.end = resourceEnd;
      while (r.pos < resourceEnd) {
        const rt = r.tag();
        const f = rt >>> 3;
        if (f === 1) readField(r, rt, RESOURCE, 0);
        else if (f === 3) readField(r, rt, LEN, 0);
        else if (f !== 2) r.skip(rt & 7);
        else {
          expectWire(rt, WIRE_LEN, r);
          const scopeEnd = r.lengthEnd();
          r.end = scopeEnd;
          while (r.pos < scopeEnd) {
            const st = r.tag();
            const sf = st >>> 3;
            if (sf === 2) {
              expectWire(st, WIRE_LEN, r);
              if (!scanItem(r, r.lengthEnd())) valid = false;
              items++;
            } else if (sf === 1) readField(r, st, SCOPE, 0);
            else if (sf === 3) readField(r, st, LEN, 0);
            else r.skip(st & 7);
          }
          r.end = resourceEnd;
        }
      }
      r.end = buf.length;
    }
    return { items, valid };
  } catch (err) {
    if (err instanceof WireError) return undefined;
    throw err;
  }
}

/** Where one Resource<Signal>'s resource is (the last wins, as in protobufjs), and its item count. */
function resourceOf(r: WireReader, end: number): { resStart: number; resEnd: number; items: number } {
  let resStart = 0; let resEnd = 0; let items = 0;
  while (r.pos < end) {
    const t = r.tag();
    const f = t >>> 3;
    if (f === 1 || f === 2) {
      const e = r.lengthEnd();
      if (f === 1) { resStart = r.pos; resEnd = e; r.pos = e; continue; }
      while (r.pos < e) {
        const st = r.tag();
        if (st >>> 3 === 2) items++;
        r.skip(st & 7);
      }
    } else r.skip(t & 7);
  }
  return { resStart, resEnd, items };
}

/**
 * Visits a scanned request in the decoded tree's order: `onResource` with
 * the region of its Resource message and its item count (false: skip its
 * items), `onItem` with each item's region. Only for bytes scanEnvelope
 * accepted (it does not check again).
 */
export function visitEnvelope(
  r: WireReader,
  onResource: (resStart: number, resEnd: number, items: number) => boolean,
  onItem: (start: number, end: number) => void,
): void {
  while (r.pos < r.end) {
    const t = r.tag();
    if (t >>> 3 !== 1) { r.skip(t & 7); continue; }
    const end = r.lengthEnd();
    const start = r.pos;
    const { resStart, resEnd, items } = resourceOf(r, end);
    if (onResource(resStart, resEnd, items)) {
      r.pos = start;
      while (r.pos < end) {
        const rt = r.tag();
        if (rt >>> 3 !== 2) { r.skip(rt & 7); continue; }
        const scopeEnd = r.lengthEnd();
        while (r.pos < scopeEnd) {
          const st = r.tag();
          if (st >>> 3 !== 2) { r.skip(st & 7); continue; }
          const itemEnd = r.lengthEnd();
          const itemStart = r.pos;
          onItem(itemStart, itemEnd);
          r.pos = itemEnd;
        }
      }
    }
    r.pos = end;
  }
}
