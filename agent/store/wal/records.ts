/**
 * The store WAL's record bodies (inside frame.ts' framing), one per type:
 *
 *   1 series    id u32 | label count u32 | (name str, value str)*
 *   2 samples   count u32 | (id u32, t f64, v f64)*
 *   3 stale     count u32 | (id u32, t f64)*
 *   4 metadata  name str | type str | help str | unit str
 *
 * (str = byte length u32 + UTF-8.) Samples and markers of one flush go in one
 * record each, so a record costs 20 (12) bytes per sample (marker).
 */
import type { Labels, MetricMetadata } from '../types';
import { ByteReader, type ByteWriter } from './frame';

export const enum RecordType { Series = 1, Samples = 2, Stale = 3, Metadata = 4 }

export function writeSeries(w: ByteWriter, id: number, labels: Labels): void {
  w.u8(RecordType.Series);
  w.u32(id);
  const names = Object.keys(labels);
  w.u32(names.length);
  for (const n of names) { w.str(n); w.str(labels[n]); }
}

export function writeMetadata(w: ByteWriter, name: string, m: MetricMetadata): void {
  w.u8(RecordType.Metadata);
  w.str(name);
  w.str(m.type);
  w.str(m.help);
  w.str(m.unit);
}

export type WalRecord =
  | { type: RecordType.Series; id: number; labels: Labels }
  | { type: RecordType.Samples; ids: Uint32Array; t: Float64Array; v: Float64Array }
  | { type: RecordType.Stale; ids: Uint32Array; t: Float64Array }
  | { type: RecordType.Metadata; name: string; meta: MetricMetadata };

export function readLabels(r: ByteReader): Labels {
  const n = r.u32();
  const labels: Labels = {};
  for (let i = 0; i < n; i++) {
    const k = r.str();
    labels[k] = r.str();
  }
  return labels;
}

export function decodeRecord(body: Buffer): WalRecord {
  const r = new ByteReader(body);
  const type = r.u8();
  switch (type) {
    case RecordType.Series: {
      const id = r.u32();
      return { type, id, labels: readLabels(r) };
    }
    case RecordType.Samples: {
      const n = r.u32();
      const ids = new Uint32Array(n);
      const t = new Float64Array(n);
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) { ids[i] = r.u32(); t[i] = r.f64(); v[i] = r.f64(); }
      return { type, ids, t, v };
    }
    case RecordType.Stale: {
      const n = r.u32();
      const ids = new Uint32Array(n);
      const t = new Float64Array(n);
      for (let i = 0; i < n; i++) { ids[i] = r.u32(); t[i] = r.f64(); }
      return { type, ids, t };
    }
    case RecordType.Metadata:
      return { type, name: r.str(), meta: { type: r.str() as MetricMetadata['type'], help: r.str(), unit: r.str() } };
    default:
      throw new Error(`unknown record type ${type}`);
  }
}
