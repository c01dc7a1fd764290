/**
 * The redaction pre-scan (agent/processors/redaction/raw-prescan.ts) against
 * what it saves, in CPU microseconds per request (process.cpuUsage, the
 * variants interleaved round by round, the median round kept):
 *
 *   prescan          the test over the received bytes (what a clean request now costs)
 *   walk             the redaction walk over the request freshly decoded, the default config
 *                    (what a clean request cost before; values repeat across requests, so its clean
 *                    cache is warm, but each string is a new object whose hash is computed again)
 *   decode           protobufjs decoding (what a receiver that decodes lazily also saves)
 *
 * on clean requests of the testbed's two span shapes (bench/ingest/spans.ts,
 * 100 spans each) and the receiver bench's realistic 512-span request; then
 * the share of a core each takes at the testbed load (10k spans/s), and the
 * pre-scan's answer (an over-budget request is walked, and the next 15 of
 * its signal are walked without a pre-scan). A dirty request costs the
 * pre-scan plus the walk: the last line gives the pre-scan's cost when it
 * answers "maybe" early and late.
 *
 * Not part of `npm test`. Run: npx tsx bench/processors/redaction-prescan.bench.ts
 * (LOOKOUT_BENCH_ROUNDS, default 7; LOOKOUT_BENCH_SECONDS per variant and round, default 0.3).
 */
import { decodeProtoRequest, encodeProtoRequest } from '../../agent/otlp/codec';
import type { ExportTraceServiceRequest } from '../../agent/otlp/model';
import { redactionConfigSchema } from '../../agent/processors/redaction/config';
import { CLEAN, MAYBE, OVER_BUDGET, RawPrescan } from '../../agent/processors/redaction/raw-prescan';
import { Redactor } from '../../agent/processors/redaction/redactor';
import { redactTraces } from '../../agent/processors/redaction/walk';
import { buildBodies } from '../ingest/spans';
import { realisticTraceRequest } from '../receivers/otlp/receiver.bench';

const ROUNDS = Number(process.env.LOOKOUT_BENCH_ROUNDS ?? 7);
const SECONDS = Number(process.env.LOOKOUT_BENCH_SECONDS ?? 0.3);
const TESTBED_SPANS_PER_SECOND = 10_000;
/** Requests decoded ahead of each round's walk (each walked once). */
const WALKED_PER_ROUND = Number(process.env.LOOKOUT_BENCH_WALKED ?? 60);

/** CPU microseconds per call of fn(i), i cycling over `n` inputs, for about SECONDS. */
function cpuPerCall(fn: (i: number) => unknown, n: number): number {
  for (let i = 0; i < 20; i++) fn(i % n);
  const start = process.cpuUsage();
  const deadline = performance.now() + SECONDS * 1000;
  let calls = 0;
  while (performance.now() < deadline) {
    for (let k = 0; k < 10; k++) fn(calls++ % n);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

const OUTCOME: Record<number, string> = { [CLEAN]: 'clean', [MAYBE]: 'maybe', [OVER_BUDGET]: 'over budget' };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Case { name: string; bodies: Buffer[]; spansPerBody: number }

export interface PrescanBenchRow { name: string; outcome: string; prescanUs: number; walkUs: number; decodeUs: number; spansPerBody: number }

export function runPrescanBench(): PrescanBenchRow[] {
  const config = redactionConfigSchema.parse({});
  const redactor = new Redactor(config);
  const prescan = new RawPrescan(config, redactor.keyRules);
  const realistic = Buffer.from(encodeProtoRequest('traces', realisticTraceRequest()));
  const cases: Case[] = [
    { name: 'large spans (testbed)', bodies: buildBodies('large', 20, 100), spansPerBody: 100 },
    { name: 'testbed spans', bodies: buildBodies('testbed', 20, 100), spansPerBody: 100 },
    { name: 'realistic 512 spans', bodies: [realistic], spansPerBody: 512 },
  ];
  const rows: PrescanBenchRow[] = [];
  for (const c of cases) {
    const outcome = OUTCOME[prescan.test('traces', c.bodies[0])];
    const samples = { prescan: [] as number[], walk: [] as number[], decode: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      samples.prescan.push(cpuPerCall((i) => prescan.mayRedact('traces', c.bodies[i]), c.bodies.length));
      // Each request walked once, freshly decoded (new string objects, as in the agent; not timed).
      const fresh: ExportTraceServiceRequest[] = Array.from({ length: WALKED_PER_ROUND }, (_, i) => decodeProtoRequest('traces', c.bodies[i % c.bodies.length]));
      const start = process.cpuUsage();
      for (const req of fresh) {
        const steps = redactTraces(redactor, req);
        while (!steps.next().done) { /* the whole request */ }
      }
      const used = process.cpuUsage(start);
      samples.walk.push((used.user + used.system) / fresh.length);
      samples.decode.push(cpuPerCall((i) => decodeProtoRequest('traces', c.bodies[i]), c.bodies.length));
    }
    rows.push({ name: c.name, outcome, spansPerBody: c.spansPerBody, prescanUs: median(samples.prescan), walkUs: median(samples.walk), decodeUs: median(samples.decode) });
  }
  return rows;
}

/** The pre-scan on a request that has a secret at its start or its end (it answers at the first sign). */
function dirtyCost(): { first: number; last: number } {
  const config = redactionConfigSchema.parse({});
  const prescan = new RawPrescan(config, new Redactor(config).keyRules);
  const withSecret = (at: 'first' | 'last') => {
    const req = decodeProtoRequest('traces', buildBodies('large', 1, 100)[0]);
    const spans = req.resourceSpans[0].scopeSpans[0].spans;
    const span = at === 'first' ? spans[0] : spans[spans.length - 1];
    span.attributes!.push({ key: 'url.full', value: { stringValue: 'https://svc:Sup3rS3cret@orders.internal/api' } } as never);
    return Buffer.from(encodeProtoRequest('traces', req));
  };
  const first = withSecret('first');
  const last = withSecret('last');
  return {
    first: median(Array.from({ length: ROUNDS }, () => cpuPerCall(() => prescan.mayRedact('traces', first), 1))),
    last: median(Array.from({ length: ROUNDS }, () => cpuPerCall(() => prescan.mayRedact('traces', last), 1))),
  };
}

/** Prints the pre-scan's figures (npm run bench, or this file alone). */
export function run(): void {
  const core = (us: number, spans: number) => `${((us * TESTBED_SPANS_PER_SECOND) / spans / 1e4).toFixed(2)} %`;
  console.log(`redaction pre-scan vs walk, CPU µs per clean request (median of ${ROUNDS} interleaved rounds); % of a core at ${TESTBED_SPANS_PER_SECOND} spans/s`);
  console.log(`${'request'.padEnd(24)} ${'bytes'.padStart(7)} ${'outcome'.padStart(12)} ${'prescan'.padStart(9)} ${'walk'.padStart(9)} ${'decode'.padStart(9)}   walk/prescan  ${'core: prescan'.padStart(14)} ${'walk'.padStart(7)} ${'decode'.padStart(7)}`);
  const bytes: Record<string, number> = {
    'large spans (testbed)': buildBodies('large', 1, 100)[0].length,
    'testbed spans': buildBodies('testbed', 1, 100)[0].length,
    'realistic 512 spans': encodeProtoRequest('traces', realisticTraceRequest()).length,
  };
  for (const r of runPrescanBench()) {
    console.log(`${r.name.padEnd(24)} ${String(bytes[r.name]).padStart(7)} ${r.outcome.padStart(12)} ${r.prescanUs.toFixed(1).padStart(9)} ${r.walkUs.toFixed(1).padStart(9)} ${r.decodeUs.toFixed(1).padStart(9)}   ` +
      `${(r.walkUs / r.prescanUs).toFixed(1).padStart(11)}x  ${core(r.prescanUs, r.spansPerBody).padStart(14)} ${core(r.walkUs, r.spansPerBody).padStart(7)} ${core(r.decodeUs, r.spansPerBody).padStart(7)}`);
  }
  const d = dirtyCost();
  console.log(`pre-scan of a large-span request with a leaked URL password in its first span: ${d.first.toFixed(1)} µs, in its last: ${d.last.toFixed(1)} µs (then the walk)`);
}

if (require.main === module) run();
