/**
 * The on-disk record of the durable queue (one export request):
 *
 *   offset  size  field
 *        0     4  magic 0x4c515231 ("LQR1"), little-endian
 *        4     4  payload length in bytes
 *        8     4  CRC-32 (zlib's) of bytes 12 .. end of payload
 *       12     4  items (spans, data points, log records) in the payload
 *       16     8  sequence number (float64: exact up to 2^53)
 *       24     8  enqueued at (ms since the epoch, float64)
 *       32     n  payload: the OTLP export request as protobuf
 *
 * A record is valid only when the magic matches, the whole payload is in the
 * file and the CRC matches: a torn write (power cut, full disk) or a flipped
 * page fails the check, and everything from there on is "the rest".
 */
import zlib from 'node:zlib';

export const RECORD_MAGIC = 0x4c515231;
export const HEADER_BYTES = 32;
/** No export request is larger (the receiver's body limit is far below); a bigger length is corruption. */
export const MAX_PAYLOAD_BYTES = 1 << 30;

export interface RecordMeta {
  seq: number;
  enqueuedAt: number;
  items: number;
  /** Where the payload starts in its file, and its length. */
  payloadOffset: number;
  payloadLength: number;
}

/** The header for a payload (the CRC covers the header's tail and the payload). */
export function encodeHeader(seq: number, enqueuedAt: number, items: number, payload: Uint8Array): Buffer {
  const h = Buffer.allocUnsafe(HEADER_BYTES);
  h.writeUInt32LE(RECORD_MAGIC, 0);
  h.writeUInt32LE(payload.byteLength, 4);
  h.writeUInt32LE(items, 12);
  h.writeDoubleLE(seq, 16);
  h.writeDoubleLE(enqueuedAt, 24);
  h.writeUInt32LE(zlib.crc32(payload, zlib.crc32(h.subarray(12, HEADER_BYTES))), 8);
  return h;
}

export interface ScanResult {
  records: RecordMeta[];
  /** Length of the valid prefix: everything after it is corrupt or torn. */
  goodBytes: number;
  /** Why the scan stopped early (undefined: the whole buffer was valid records). */
  problem?: string;
}

/** Reads one record at `off`; a string says why it is not valid. */
function readRecord(buf: Buffer, off: number): RecordMeta | string {
  if (buf.length - off < HEADER_BYTES) return `truncated header at byte ${off}`;
  if (buf.readUInt32LE(off) !== RECORD_MAGIC) return `bad magic at byte ${off}`;
  const len = buf.readUInt32LE(off + 4);
  if (len > MAX_PAYLOAD_BYTES || off + HEADER_BYTES + len > buf.length) return `truncated record at byte ${off} (payload ${len} bytes)`;
  const crc = zlib.crc32(buf.subarray(off + HEADER_BYTES, off + HEADER_BYTES + len), zlib.crc32(buf.subarray(off + 12, off + HEADER_BYTES)));
  if (crc !== buf.readUInt32LE(off + 8)) return `checksum mismatch at byte ${off}`;
  return {
    items: buf.readUInt32LE(off + 12),
    seq: buf.readDoubleLE(off + 16),
    enqueuedAt: buf.readDoubleLE(off + 24),
    payloadOffset: off + HEADER_BYTES,
    payloadLength: len,
  };
}

/** Parses records from the start of a segment until the end or the first invalid byte. */
export function scanRecords(buf: Buffer): ScanResult {
  const records: RecordMeta[] = [];
  let off = 0;
  while (off < buf.length) {
    const r = readRecord(buf, off);
    if (typeof r === 'string') return { records, goodBytes: off, problem: r };
    records.push(r);
    off = r.payloadOffset + r.payloadLength;
  }
  return { records, goodBytes: off };
}

/**
 * Items in the valid records found in a corrupt tail (resynchronising on the
 * magic), for the "lost to corruption" counter; plus how many unreadable
 * stretches there were (each at least one record whose items are unknown).
 */
export function countLostInTail(tail: Buffer): { records: number; items: number } {
  let records = 0;
  let items = 0;
  let off = 0;
  let inGap = false;
  while (off < tail.length) {
    const r = readRecord(tail, off);
    if (typeof r !== 'string') {
      records++;
      items += r.items;
      off = r.payloadOffset + r.payloadLength;
      inGap = false;
      continue;
    }
    if (!inGap) records++; // an unreadable record (its items are unknown)
    inGap = true;
    const next = tail.indexOf(MAGIC_BYTES, off + 1);
    if (next < 0) break;
    off = next;
  }
  return { records, items };
}

const MAGIC_BYTES = (() => {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(RECORD_MAGIC, 0);
  return b;
})();
