/**
 * "Nothing in these bytes can be redacted": a conservative test over a
 * request's received protobuf bytes (agent/otlp/raw.ts), so that clean
 * requests skip the redaction walk (and, with a lazily decoding receiver,
 * the decode). It may answer "maybe" for a clean request (that only costs
 * the walk); it never answers "clean" for a request the walk would change.
 * test/agent/processors/redaction/raw-prescan.test.ts checks that on
 * generated requests against the walk itself.
 *
 * Per rule of the walk (redactor.ts, walk.ts):
 *  - built-in patterns: a necessary condition each, over the whole buffer
 *    (raw-triggers.ts); card numbers string by string (raw-structure.ts);
 *  - blocked_values: a literal every match must contain (required-literal.ts),
 *    searched in the buffer; a pattern with none makes every request "maybe";
 *  - blocked_keys, blocked_key_patterns: every attribute key is found by
 *    walking the bytes along the schema (raw-structure.ts); a key whose last
 *    two bytes could end a blocked key (either case, and U+212A KELVIN SIGN,
 *    which lower-cases to `k`) is decoded and given to the key rules
 *    themselves; with blocked_key_patterns every key is;
 *  - max_value_length: a string field longer than it in bytes (a string has
 *    no more UTF-16 units than UTF-8 bytes, so shorter ones are never cut);
 *  - the short-string skip, the clean cache and ignored_keys only ever
 *    spare values, and mask vs hash only changes the replacement: ignored.
 */
import type { Signal } from '../../otlp/model';
import type { RedactionConfig } from './config';
import type { KeyRules } from './key-rules';
import { RawStructureScan, type KeyCheck } from './raw-structure';
import { CLEAN, MAYBE, OVER_BUDGET, patternTest, type PatternTest } from './raw-triggers';
import { requiredLiteral } from './required-literal';

/** Bytes `c` lower-cases from, for the last bytes of a key (any byte when `c` is not ASCII). */
function lastBytesFor(c: string): number[] {
  const code = c.charCodeAt(0);
  if (code >= 0x80) return Array.from({ length: 256 }, (_, i) => i);
  const out = new Set([code, c.toUpperCase().charCodeAt(0)]);
  if (c === 'k') out.add(0xaa); // U+212A KELVIN SIGN is E2 84 AA
  return [...out];
}

/**
 * The key check: a table of (second-to-last, last) byte pairs any blocked
 * key can end with, then the key rules on the decoded key.
 */
function keyCheck(blockedKeys: readonly string[], hasKeyPatterns: boolean, rules: KeyRules): KeyCheck {
  const exact = (buf: Uint8Array, start: number, end: number) => rules.rule((buf as Buffer).toString('utf8', start, end)) === 'block';
  if (hasKeyPatterns) return { exact };
  const pairs = new Uint8Array(65536);
  for (const key of blockedKeys) {
    const b = key.toLowerCase();
    const last = lastBytesFor(b[b.length - 1]);
    // A one-character key, or one ending with a character outside ASCII (U+0130 lower-cases to two): any byte before.
    const prev = b.length < 2 || b.charCodeAt(b.length - 1) >= 0x80 ? lastBytesFor('\u0080') : lastBytesFor(b[b.length - 2]);
    for (const p of prev) for (const l of last) pairs[p * 256 + l] = 1;
    // A key ending with the KELVIN SIGN itself: its last two bytes are its own 84 AA.
    if (b.endsWith('k')) pairs[0x84 * 256 + 0xaa] = 1;
  }
  return { pairs, exact };
}

/**
 * The needle budget: occurrences checked per byte of request before the
 * pre-scan gives up. Each costs a native search and a check (~40-100 ns); a
 * clean answer saves the walk (~5-9 ns a byte) and, with a receiver that
 * decodes lazily, the decode (~30-40 ns a byte). At one per 8 bytes the
 * pre-scan's worst case stays well under what it saves
 * (bench/processors/redaction-prescan.bench.ts: the Collector testbed's
 * spans, six `_` per 143-byte span, 155 µs against 490 µs of walk and
 * decode; the realistic 512-span request 1.3 ms against 4.8 ms); only
 * prose (a blank every few bytes) goes over it. It was one per 64 bytes,
 * sized against the walk alone, which sent those requests to be decoded.
 */
export const PRESCAN_BYTES_PER_HIT = 8;
/** A small request gets at least this many. */
export const PRESCAN_MIN_HITS = 64;

export class RawPrescan {
  private readonly patterns: PatternTest;
  private readonly literals: string[] = [];
  /** A blocked_values pattern without a literal to look for: every request is walked. */
  private readonly always: boolean = false;
  private readonly structure: RawStructureScan;

  constructor(config: RedactionConfig, rules: KeyRules) {
    this.patterns = patternTest(config.builtin_patterns);
    for (const b of config.blocked_values) {
      const literal = requiredLiteral(typeof b === 'string' ? b : b.regex);
      if (literal === undefined) this.always = true;
      else this.literals.push(literal);
    }
    const keys = keyCheck(config.blocked_keys, config.blocked_key_patterns.length > 0, rules);
    this.structure = new RawStructureScan(keys, config.max_value_length, config.builtin_patterns.includes('credit_card'));
  }

  /**
   * CLEAN when redaction cannot change the request these bytes encode,
   * MAYBE when it may, OVER_BUDGET when the pattern needles occur so often
   * (more than one per PRESCAN_BYTES_PER_HIT bytes) that walking is cheaper
   * than looking further. `bytes` must be what the decoder read, as a
   * Buffer: its UTF-8 decoding (invalid sequences become U+FFFD) is what the
   * conditions assume.
   */
  test(signal: Signal, bytes: Buffer): number {
    if (this.always) return MAYBE;
    for (const literal of this.literals) if (bytes.indexOf(literal) >= 0) return MAYBE;
    const found = this.patterns(bytes, Math.max(PRESCAN_MIN_HITS, Math.floor(bytes.length / PRESCAN_BYTES_PER_HIT)));
    if (found !== CLEAN) return found;
    return this.structure.suspicious(signal, bytes) ? MAYBE : CLEAN;
  }

  /** False when redaction cannot change the request these bytes encode (over budget counts as maybe). */
  mayRedact(signal: Signal, bytes: Buffer): boolean {
    return this.test(signal, bytes) !== CLEAN;
  }
}

export { CLEAN, MAYBE, OVER_BUDGET };
