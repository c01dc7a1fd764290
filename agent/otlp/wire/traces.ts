/**
 * ExportTraceServiceRequest read straight from its protobuf bytes, for the
 * ingest fast path: what the receiver must know before answering (how many
 * spans, whether validation would reject any), and what the spanmetrics
 * connector reads, without building the protobufjs object tree.
 *
 * scanTraceRequest walks EVERY field of every known message (with the
 * strict reader, see reader.ts): when it returns, protobufjs is known to
 * decode the same bytes without an error, so the tree can be decoded later,
 * on first use, without risking data already answered 200.
 *
 * Field numbers: ../schema.ts. protobufjs semantics kept here: a repeated
 * singular field's last occurrence wins (a sub-message is replaced, not
 * merged); absent fields read as their defaults.
 */
import { asBuffer, expectWire, shortLength, WIRE_LEN, WireReader } from './reader';
import { EVENT, F32, F64, KEY_VALUE, LEN, LINK, readField, STATUS, V32 } from './schema';
import { scanEnvelope, visitEnvelope, type EnvelopeScan } from './envelope';
import { AttributeCursor } from './attributes';
import { prefixText, textSlicer, type TextSlicer } from './text';


/** Span fields: ../schema.ts, message Span. */
const SPAN_FIELDS: (number | undefined)[] = [];
SPAN_FIELDS[9] = KEY_VALUE;
SPAN_FIELDS[11] = EVENT;
SPAN_FIELDS[13] = LINK;
SPAN_FIELDS[15] = STATUS;

function isZero(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

/** A span's ids pass validate.ts' rules (trace 16 bytes not zero, span 8 not zero, parent empty or 8). */
function idsValid(buf: Uint8Array, trace: number, traceLen: number, span: number, spanLen: number, parentLen: number): boolean {
  return traceLen === 16 && !isZero(buf, trace, trace + 16) && spanLen === 8 && !isZero(buf, span, span + 8) &&
    (parentLen === 0 || parentLen === 8);
}

/** Walks one Span from r.pos to `end`; true when its ids are valid. */
function scanSpan(r: WireReader, end: number): boolean {
  let trace = 0; let traceLen = 0; let span = 0; let spanLen = 0; let parentLen = 0;
  const outer = r.end;
  r.end = end;
  while (r.pos < end) {
    const t = r.tag();
    const field = t >>> 3;
    if (field === 1 || field === 2 || field === 4) {
      expectWire(t, WIRE_LEN, r);
      const e = r.lengthEnd();
      if (field === 1) { trace = r.pos; traceLen = e - r.pos; } else if (field === 2) { span = r.pos; spanLen = e - r.pos; } else parentLen = e - r.pos;
      r.pos = e;
    } else readField(r, t, spanField(field), 0);
  }
  r.end = outer;
  return idsValid(r.buf, trace, traceLen, span, spanLen, parentLen);
}

/** Span's field kinds, for readField (ids are read by scanSpan itself). */
function spanField(field: number): number | undefined {
  switch (field) {
    case 3: case 5: return LEN; // trace_state, name
    case 6: case 10: case 12: case 14: return V32; // kind, dropped counts
    case 7: case 8: return F64; // start/end times (fixed64)
    case 16: return F32; // flags
    default: return SPAN_FIELDS[field];
  }
}

/**
 * Scans a whole request; undefined when the bytes are not well-formed by the
 * strict reader's rules (then the caller decodes with protobufjs, as before).
 */
export function scanTraceRequest(buf: Uint8Array): EnvelopeScan | undefined {
  // items: spans (countSpans of the decoded request); valid: every span passes validate.ts (ids).
  return scanEnvelope(buf, scanSpan);
}

/** What spanmetrics reads of one span, valid during SpanmetricsVisitor.span(). */
export class SpanView {
  nameStart = 0;
  nameEnd = 0;
  kind = 0;
  statusCode = 0;
  /** start/end_time_unix_nano as Long keeps them: high (signed) and low (unsigned) 32 bits. */
  startHi = 0;
  startLo = 0;
  endHi = 0;
  endLo = 0;
  readonly attributes: AttributeCursor;

  constructor(private readonly text: TextSlicer, buf: Uint8Array) {
    this.attributes = new AttributeCursor(buf, text);
  }

  /** The span name; with keepChars > 0 only a prefix that cuts to the same label (see prefixText). */
  name(keepChars = 0): string {
    return prefixText(this.text, this.nameStart, this.nameEnd, keepChars);
  }
}


export interface SpanmetricsVisitor {
  /**
   * One ResourceSpans: its resource's attributes and how many spans it holds.
   * Returns whether to visit its spans.
   */
  resource(attributes: AttributeCursor, spans: number): boolean;
  span(span: SpanView): void;
}

/** Tag byte of Span.attributes (field 9, length-delimited). */
const ATTRIBUTE_TAG = (9 << 3) | 2;
/** shortLength's out-parameter. */
const lenEnd = new Int32Array(1);

/** Fills `v` from one Span message; r.pos ends at `end`. */
function readSpan(r: WireReader, end: number, v: SpanView): void {
  v.nameStart = v.nameEnd = v.kind = v.statusCode = v.startHi = v.startLo = v.endHi = v.endLo = 0;
  const b = r.buf;
  // The attribute cursor starts at the first attribute (the fields before it are not its).
  let firstAttribute = -1;
  while (r.pos < end) {
    const p = r.pos;
    if (b[p] === ATTRIBUTE_TAG) {
      // Most of a span's fields: stepped over by their length (one or two bytes; the scan checked them).
      if (firstAttribute < 0) firstAttribute = p;
      const len = shortLength(b, p + 1, lenEnd);
      if (len >= 0) { r.pos = lenEnd[0] + len; continue; }
    }
    const t = r.tag();
    switch (t >>> 3) {
      case 5: v.nameEnd = r.lengthEnd(); v.nameStart = r.pos; r.pos = v.nameEnd; break;
      case 6: v.kind = r.uint32() | 0; break;
      case 7: r.fixed64(); v.startHi = r.hi; v.startLo = r.lo; break;
      case 8: r.fixed64(); v.endHi = r.hi; v.endLo = r.lo; break;
      case 15: {
        // The last Status replaces any earlier one whole: its code defaults to 0.
        const e = r.lengthEnd();
        v.statusCode = 0;
        while (r.pos < e) {
          const st = r.tag();
          if (st >>> 3 === 3) v.statusCode = r.uint32() | 0;
          else r.skip(st & 7);
        }
        break;
      }
      default:
        if (t === ATTRIBUTE_TAG && firstAttribute < 0) firstAttribute = p;
        r.skip(t & 7);
    }
  }
  v.attributes.reset(firstAttribute < 0 ? end : firstAttribute, end, 9);
}

/**
 * Visits what spanmetrics reads, in the decoded tree's order. Only for
 * bytes scanTraceRequest accepted (it does not check again).
 */
export function visitSpans(bytes: Uint8Array, visitor: SpanmetricsVisitor): void {
  const buf = asBuffer(bytes);
  const text = textSlicer(buf);
  const r = new WireReader(buf);
  const resource = new AttributeCursor(buf, text);
  const view = new SpanView(text, buf);
  visitEnvelope(r, (resStart, resEnd, spans) => {
    resource.reset(resStart, resEnd, 1);
    return visitor.resource(resource, spans);
  }, (_start, end) => {
    readSpan(r, end, view);
    visitor.span(view);
  });
}
