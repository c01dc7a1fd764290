/**
 * ExportLogsServiceRequest read from its protobuf bytes: the scan (record
 * count, validity, well-formedness; see traces.ts for what that vouches
 * for) and what logmetrics' log_records_total reads (service and its
 * identity attributes, severity number and text). Field numbers:
 * ../schema.ts, message LogRecord.
 */
import { asBuffer, expectWire, WIRE_LEN, WireReader } from './reader';
import { ANY_VALUE, F32, F64, KEY_VALUE, LEN, readField, V32 } from './schema';
import { scanEnvelope, visitEnvelope, type EnvelopeScan } from './envelope';
import { AttributeCursor } from './attributes';
import { textSlicer, type TextSlicer } from './text';


/** LogRecord's field kinds, ids (9, 10) aside. */
const RECORD_FIELDS: (number | undefined)[] = [undefined, F64, V32, LEN, undefined, ANY_VALUE, KEY_VALUE, V32, F32, undefined, undefined, F64, LEN];

function scanRecord(r: WireReader, end: number): boolean {
  let traceLen = 0;
  let spanLen = 0;
  const outer = r.end;
  r.end = end;
  while (r.pos < end) {
    const t = r.tag();
    const field = t >>> 3;
    if (field === 9 || field === 10) {
      expectWire(t, WIRE_LEN, r);
      const e = r.lengthEnd();
      if (field === 9) traceLen = e - r.pos; else spanLen = e - r.pos;
      r.pos = e;
    } else readField(r, t, RECORD_FIELDS[field], 0);
  }
  r.end = outer;
  return (traceLen === 0 || traceLen === 16) && (spanLen === 0 || spanLen === 8);
}

export function scanLogsRequest(buf: Uint8Array): EnvelopeScan | undefined {
  // items: log records; valid: every record passes validate.ts (trace_id empty or 16 bytes, span_id empty or 8).
  return scanEnvelope(buf, scanRecord);
}

/** What log_records_total reads of one record, valid during the visitor's record(). */
export class LogRecordView {
  severityNumber = 0;
  textStart = 0;
  textEnd = 0;

  constructor(private readonly text: TextSlicer) {}

  severityText(): string {
    return this.text(this.textStart, this.textEnd);
  }
}

export interface LogmetricsVisitor {
  resource(attributes: AttributeCursor, records: number): void;
  record(record: LogRecordView): void;
}

/** Visits resources and records in the decoded tree's order; only for bytes scanLogsRequest accepted. */
export function visitLogRecords(bytes: Uint8Array, visitor: LogmetricsVisitor): void {
  const buf = asBuffer(bytes);
  const text = textSlicer(buf);
  const r = new WireReader(buf);
  const resource = new AttributeCursor(buf, text);
  const view = new LogRecordView(text);
  visitEnvelope(r, (resStart, resEnd, records) => {
    resource.reset(resStart, resEnd, 1);
    visitor.resource(resource, records);
    return true;
  }, (_start, end) => {
    view.severityNumber = view.textStart = view.textEnd = 0;
    while (r.pos < end) {
      const t = r.tag();
      const field = t >>> 3;
      // The last of each wins, as in protobufjs; severity_number is an enum (int32).
      if (field === 2) view.severityNumber = r.uint32() | 0;
      else if (field === 3) { view.textEnd = r.lengthEnd(); view.textStart = r.pos; r.pos = view.textEnd; } else r.skip(t & 7);
    }
    visitor.record(view);
  });
}
