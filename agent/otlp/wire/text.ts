/** Strings out of the received bytes, decoded as protobufjs would decode them. */

/** Decodes buf[start, end) as UTF-8 exactly as protobufjs does for a Buffer (Buffer#utf8Slice). */
export type TextSlicer = (start: number, end: number) => string;

export function textSlicer(b: Buffer): TextSlicer {
  const slice = (b as unknown as { utf8Slice?: (s: number, e: number) => string }).utf8Slice;
  return slice ? (s, e) => slice.call(b, s, e) : (s, e) => b.toString('utf8', s, e);
}

/**
 * buf[start, end) decoded, or, when a label cut to keepChars code units
 * (truncateLabelValue) is all the caller keeps, only as many bytes as that
 * needs: 600 distinct 64 KB span names then cost short strings, not 38 MB
 * of garbage that the young generation promotes before it dies. Each code
 * unit takes at most 3 bytes and only the last <= 3 code units of a cut
 * prefix (an unfinished UTF-8 sequence) can differ from the whole string's,
 * so 3 * (keepChars + 4) + 3 bytes hold more than keepChars identical code
 * units and the cut is the same.
 */
export function prefixText(text: TextSlicer, start: number, end: number, keepChars: number): string {
  if (keepChars > 0) {
    const bytes = 3 * (keepChars + 4) + 3;
    if (end - start > bytes) return text(start, start + bytes);
  }
  return text(start, end);
}
