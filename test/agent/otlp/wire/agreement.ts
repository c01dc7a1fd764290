/**
 * The loop both wire-scanner fuzz tests run: each generated request is
 * scanned and fully decoded by protobufjs; bytes protobufjs cannot decode
 * must be refused by the scan, and for bytes the scan accepts its item count
 * and validity verdict must equal countItems / validateRequest of the
 * decoded tree. `onAccepted` checks the signal's reader on top.
 */
import assert from 'node:assert/strict';
import { countItems } from '../../../../agent/otlp/count';
import type { Signal, SignalData } from '../../../../agent/otlp/model';
import { requestType } from '../../../../agent/otlp/root';
import type { EnvelopeScan } from '../../../../agent/otlp/wire/envelope';
import { validateRequest } from '../../../../agent/receivers/otlp/validate';

export interface Agreement { accepted: number; valid: number; undecodable: number }

/** LOOKOUT_FUZZ_SCALE multiplies the generated cases (1 000 per run in npm test); LOOKOUT_FUZZ_SEED replaces each test's seed. */
export const FUZZ_SCALE = Number(process.env.LOOKOUT_FUZZ_SCALE ?? 1);
export const FUZZ_CASES = Math.round(1000 * FUZZ_SCALE);
export const fuzzSeed = (fallback: number): number => Number(process.env.LOOKOUT_FUZZ_SEED ?? fallback);

function decode<S extends Signal>(signal: S, bytes: Buffer): SignalData[S] | undefined {
  try {
    return requestType(signal).decode(bytes) as unknown as SignalData[S];
  } catch {
    return undefined;
  }
}

export function checkAgreement<S extends Signal>(opts: {
  signal: S;
  cases: number;
  seed: number;
  next: () => number[];
  scan: (bytes: Buffer) => EnvelopeScan | undefined;
  onAccepted: (bytes: Buffer, tree: SignalData[S], scan: EnvelopeScan, what: string) => void;
}): Agreement {
  const out: Agreement = { accepted: 0, valid: 0, undecodable: 0 };
  for (let i = 0; i < opts.cases; i++) {
    const bytes = Buffer.from(opts.next());
    const what = `case ${i} (seed ${opts.seed}): ${bytes.toString('hex').slice(0, 400)}`;
    const scan = opts.scan(bytes);
    const tree = decode(opts.signal, bytes);
    if (!tree) {
      out.undecodable++;
      assert.equal(scan, undefined, `the scan accepted bytes protobufjs cannot decode: ${what}`);
      continue;
    }
    if (!scan) continue;
    out.accepted++;
    assert.equal(scan.items, countItems(opts.signal, tree), `item count: ${what}`);
    const verdict = validateRequest(opts.signal, decode(opts.signal, bytes)!);
    assert.equal(scan.valid, verdict.rejected === 0, `validity: ${what} (${verdict.errorMessage})`);
    if (scan.valid) out.valid++;
    opts.onAccepted(bytes, tree, scan, what);
  }
  // The corpus is not vacuous: most requests are scanned, and every branch is taken.
  assert.ok(out.accepted > opts.cases * 0.5, `only ${out.accepted} of ${opts.cases} scanned`);
  assert.ok(out.valid > opts.cases * 0.2 && out.valid < out.accepted, `valid ${out.valid} of ${out.accepted} accepted`);
  assert.ok(out.undecodable > opts.cases * 0.02, `only ${out.undecodable} undecodable`);
  return out;
}
