/**
 * Lookout's PromQL engine against the real Prometheus 2.42: the same samples
 * go into Prometheus (OpenMetrics -> promtool blocks) and a MemoryStore, and
 * every expression of expressions.ts is asked of both as instant queries at
 * several times (early, mid-data, after a series ended, after the data's end
 * within and beyond the lookback) and as a range query. A second part
 * generates random expressions (fast-check) over randomly generated series.
 *
 * Needs /usr/bin/prometheus and /usr/bin/promtool (apt-get install -y
 * prometheus); skipped without them unless CI is set.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryStore } from '../../../agent/store';
import { createEngine } from '../../../agent/promql';
import type { Engine } from '../../../agent/promql/types';
import { diff, normalizeLookout, normalizeProm } from './compare';
import { DATA_END, fixedDataset, loadInto, MINUTE, randomDataset, T0, toOpenMetrics } from './dataset';
import { CASES } from './expressions';
import { PrometheusServer, requirePrometheus } from './prometheus-server';
import { randomExpression } from './random-expressions';

const INSTANT_TIMES = [T0 + 1 * MINUTE, T0 + 30 * MINUTE + 7_000, T0 + 102 * MINUTE, DATA_END + 4.5 * MINUTE, DATA_END + 11 * MINUTE];
const RANGE = { start: T0 + 20 * MINUTE, end: DATA_END + 8 * MINUTE, step: 90_000 };
const RANDOM_SEED = Number(process.env.LOOKOUT_PROMQL_SEED ?? Date.now() % 1_000_000);

async function compareQuery(prom: PrometheusServer, engine: Engine, expr: string, ordered: boolean): Promise<string[]> {
  const problems: string[] = [];
  for (const t of INSTANT_TIMES) {
    const a = normalizeProm(await prom.instant(expr, t));
    const b = await normalizeLookout(() => engine.instantQueryAsync(expr, t));
    const d = diff(a, b, ordered);
    if (d) problems.push(`instant @${(t - T0) / MINUTE}m: ${d}`);
  }
  const a = normalizeProm(await prom.range(expr, RANGE.start, RANGE.end, RANGE.step));
  const b = await normalizeLookout(() => engine.rangeQueryAsync(expr, RANGE.start, RANGE.end, RANGE.step));
  const d = diff(a, b, false);
  if (d) problems.push(`range: ${d}`);
  return problems;
}

describe('PromQL compatibility with Prometheus 2.42', function () {
  this.timeout(120_000);
  let prom: PrometheusServer | undefined;
  let engine: Engine;

  before(async function () {
    const bins = requirePrometheus(this);
    const fixed = fixedDataset();
    const random = randomDataset(RANDOM_SEED);
    prom = await PrometheusServer.start(bins, toOpenMetrics([...fixed, ...random]));
    const store = new MemoryStore({ retentionMs: 10 * 365 * 24 * 3600_000, now: () => DATA_END });
    loadInto(store, fixed);
    loadInto(store, random);
    // A zero time slice: the engine yields at every check, so the cooperative path is what is compared.
    engine = createEngine(store, { sliceMs: 0 });
  });

  after(async () => {
    await prom?.stop();
  });

  it('covers at least 150 expressions', () => {
    assert.ok(CASES.length >= 150, `only ${CASES.length} cases`);
  });

  describe('expression table', () => {
    for (const { expr, ordered } of CASES) {
      it(expr, async () => {
        const problems = await compareQuery(prom!, engine, expr, !!ordered);
        assert.deepEqual(problems, [], `${expr}\n  ${problems.join('\n  ')}`);
      });
    }
  });

  describe(`random expressions over random series (seed ${RANDOM_SEED}; rerun with LOOKOUT_PROMQL_SEED=${RANDOM_SEED})`, () => {
    it('agree on instant and range queries', async () => {
      await fc.assert(
        fc.asyncProperty(
          randomExpression(),
          fc.integer({ min: 0, max: 130 * 4 }),
          fc.constantFrom(15_000, 60_000, 137_000),
          async (expr, quarterMinutes, step) => {
            const t = T0 + quarterMinutes * 15_000;
            const inst = diff(normalizeProm(await prom!.instant(expr, t)), await normalizeLookout(() => engine.instantQueryAsync(expr, t)), false);
            assert.equal(inst, undefined, `instant ${expr} @${t}: ${inst}`);
            const start = t - 30 * MINUTE;
            const range = diff(
              normalizeProm(await prom!.range(expr, start, t, step)),
              await normalizeLookout(() => engine.rangeQueryAsync(expr, start, t, step)),
              false,
            );
            assert.equal(range, undefined, `range ${expr} [${start}, ${t}] step ${step}: ${range}`);
          },
        ),
        { numRuns: 150, seed: RANDOM_SEED },
      );
    });
  });
});
