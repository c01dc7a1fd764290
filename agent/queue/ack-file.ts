/**
 * The durable queue's read position for one signal: the highest sequence
 * number below which every entry was acked (delivered or dropped for good).
 * 16 bytes rewritten in place with one pwrite (a sector never tears):
 *   magic "LQA1" | acked-through seq (float64) | CRC-32 of the seq bytes.
 * A missing or unreadable file means "nothing acked": at worst entries are
 * sent again (at-least-once), never skipped.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

const ACK_MAGIC = 0x4c514131;
const ACK_BYTES = 16;

export type AckRead = { ackedThrough: number; problem?: string };

export function readAckFile(file: string): AckRead {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ackedThrough: 0 };
    return { ackedThrough: 0, problem: `cannot read ${file}: ${(err as Error).message}` };
  }
  if (buf.length < ACK_BYTES || buf.readUInt32LE(0) !== ACK_MAGIC || zlib.crc32(buf.subarray(4, 12)) !== buf.readUInt32LE(12)) {
    return { ackedThrough: 0, problem: `${file} is corrupt (${buf.length} bytes); redelivering every stored entry` };
  }
  return { ackedThrough: buf.readDoubleLE(4) };
}

export class AckFile {
  private fd: number;
  private readonly buf = Buffer.alloc(ACK_BYTES);

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, fs.existsSync(file) ? 'r+' : 'w+');
    this.buf.writeUInt32LE(ACK_MAGIC, 0);
  }

  write(ackedThrough: number): void {
    this.buf.writeDoubleLE(ackedThrough, 4);
    this.buf.writeUInt32LE(zlib.crc32(this.buf.subarray(4, 12)), 12);
    fs.writeSync(this.fd, this.buf, 0, ACK_BYTES, 0);
  }

  close(): void {
    if (this.fd < 0) return;
    fs.closeSync(this.fd);
    this.fd = -1;
  }
}
