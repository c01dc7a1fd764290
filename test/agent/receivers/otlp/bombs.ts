/**
 * Decompression bombs built fast: 16 MiB of zeros are deflated once with a
 * full flush (byte-aligned, no back-references across the cut), and that
 * block is repeated to describe 1 GiB in ~1 MiB. The result is one valid
 * gzip member / zlib stream with correct checksums, so a decoder that read
 * it all would succeed; the receiver must stop after its limit instead.
 */
import zlib from 'node:zlib';

const PIECE = 16 * 1024 * 1024;

function rawZeroBlocks(totalBytes: number): Buffer {
  const block = zlib.deflateRawSync(Buffer.alloc(PIECE), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const n = Math.ceil(totalBytes / PIECE);
  // 0x03 0x00: a final, empty fixed-Huffman block ends the deflate stream.
  return Buffer.concat([...Array<Buffer>(n).fill(block), Buffer.from([0x03, 0x00])]);
}

/** gzip of `totalBytes` (a multiple of 16 MiB) zero bytes. */
export function gzipBomb(totalBytes = 1024 * 1024 * 1024): Buffer {
  const raw = rawZeroBlocks(totalBytes);
  let crc = 0;
  const zeros = Buffer.alloc(PIECE);
  for (let done = 0; done < totalBytes; done += PIECE) crc = zlib.crc32(zeros, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(totalBytes % 2 ** 32, 4);
  return Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]), raw, trailer]);
}

/** zlib-wrapped deflate (Content-Encoding: deflate) of `totalBytes` zero bytes. */
export function deflateBomb(totalBytes = 1024 * 1024 * 1024): Buffer {
  const raw = rawZeroBlocks(totalBytes);
  // Adler-32 of n zero bytes: a = 1, b = n mod 65521.
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((totalBytes % 65521) << 16) | 1) >>> 0);
  return Buffer.concat([Buffer.from([0x78, 0xda]), raw, adler]);
}
