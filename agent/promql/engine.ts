/**
 * The engine's public face: parses, checks and evaluates PromQL over a store
 * Querier with Prometheus 2.42's semantics, returning results in the shapes
 * of Prometheus' HTTP API (agent/promql/types.ts).
 */
import type { Querier } from '../store/types';
import { Evaluator, type EvalOptions } from './evaluator';
import { labelsKey, sortByLabels } from './labels';
import { parseExpr, typeOf } from './parse';
import { QueryError, type Engine, type MatrixSeries, type QueryValue } from './types';
import { DOCUMENTED_TYPE, type Expr } from './ast';
import type { Labels } from '../store/types';
import { Arena } from '../store/mem-series';

export interface EngineOptions {
  /** How far back an instant selector looks for a sample (Prometheus' --query.lookback-delta); default 5 m. */
  lookbackDeltaMs?: number;
  /** Step of subqueries written without one, e.g. `x[1h:]` (Prometheus' global evaluation_interval); default 1 m. */
  defaultSubqueryStepMs?: number;
  /** Most samples one query may fetch (Prometheus' --query.max-samples); default 50 000 000. */
  maxSamples?: number;
  /** Clock (ms) for instantQuery when given a non-finite time; default Date.now. */
  now?: () => number;
}

export const DEFAULT_LOOKBACK_DELTA_MS = 5 * 60_000;
/** Prometheus' API refuses range queries with more points per series than this. */
export const MAX_POINTS_PER_SERIES = 11_000;

/** Runs fn, turning plain errors (bugs, function failures) into execution QueryErrors that name the query. */
function guarded<T>(expr: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof QueryError) throw err;
    throw new QueryError(`evaluating ${JSON.stringify(expr)}: ${(err as Error).message}`, 'execution');
  }
}

/** Parsed expressions by text: rules evaluate the same few hundred expressions over and over. */
class AstCache {
  private readonly map = new Map<string, Expr>();
  constructor(private readonly limit: number) {}

  parse(text: string): Expr {
    const hit = this.map.get(text);
    if (hit) {
      // Refresh recency: Map iteration order is insertion order.
      this.map.delete(text);
      this.map.set(text, hit);
      return hit;
    }
    const ast = parseExpr(text);
    if (this.map.size >= this.limit) this.map.delete(this.map.keys().next().value!);
    this.map.set(text, ast);
    return ast;
  }
}

export function createEngine(querier: Querier, opts: EngineOptions = {}): Engine {
  const evalOpts: EvalOptions = {
    lookbackDeltaMs: opts.lookbackDeltaMs ?? DEFAULT_LOOKBACK_DELTA_MS,
    defaultSubqueryStepMs: opts.defaultSubqueryStepMs ?? 60_000,
    maxSamples: opts.maxSamples ?? 50_000_000,
  };
  if (!(evalOpts.lookbackDeltaMs > 0)) throw new Error(`createEngine: lookbackDeltaMs must be positive, got ${evalOpts.lookbackDeltaMs}`);
  const now = opts.now ?? Date.now;
  const asts = new AstCache(1000);
  // Queries run synchronously one at a time and copy what they return, so one scratch arena serves them all.
  const arena = new Arena();

  return {
    instantQuery(expr: string, tIn: number): QueryValue {
      const t = Number.isFinite(tIn) ? tIn : now();
      const ast = asts.parse(expr);
      return guarded(expr, () => {
        arena.reset();
        const v = new Evaluator(querier, ast, t, t, evalOpts, arena).evalAt(t);
        switch (v.type) {
          case 'scalar': return { resultType: 'scalar', result: { t, value: v.value } };
          case 'string': return { resultType: 'string', result: { t, value: v.value } };
          case 'vector': return { resultType: 'vector', result: v.samples.map((s) => ({ metric: s.metric, t, value: s.value })) };
          case 'matrix': {
            const result: MatrixSeries[] = v.series.map((s) => {
              const points: { t: number; value: number }[] = [];
              for (let i = s.lo; i < s.hi; i++) points.push({ t: s.t[i], value: s.v[i] });
              return { metric: s.metric, points };
            });
            return { resultType: 'matrix', result };
          }
        }
      });
    },

    rangeQuery(expr: string, start: number, end: number, step: number): QueryValue {
      if (!Number.isFinite(start) || !Number.isFinite(end)) throw new QueryError('invalid parameter "start"/"end": must be finite', 'bad_data');
      if (end < start) throw new QueryError('end timestamp must not be before start time', 'bad_data');
      if (!(step > 0)) throw new QueryError('zero or negative query resolution step widths are not accepted. Try a positive integer', 'bad_data');
      if ((end - start) / step > MAX_POINTS_PER_SERIES) {
        throw new QueryError('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)', 'bad_data');
      }
      const ast = asts.parse(expr);
      const type = typeOf(ast);
      if (type !== 'scalar' && type !== 'vector') {
        throw new QueryError(`invalid expression type ${JSON.stringify(DOCUMENTED_TYPE[type])} for range query, must be Scalar or instant Vector`, 'bad_data');
      }
      return guarded(expr, () => {
        arena.reset();
        const ev = new Evaluator(querier, ast, start, end, evalOpts, arena);
        const series = new Map<string, { metric: Labels; points: { t: number; value: number }[] }>();
        const add = (metric: Labels, t: number, value: number): void => {
          const key = labelsKey(metric);
          let s = series.get(key);
          if (!s) series.set(key, (s = { metric, points: [] }));
          s.points.push({ t, value });
        };
        for (let ts = start; ts <= end; ts += step) {
          const v = ev.evalAt(ts);
          if (v.type === 'scalar') add({}, ts, v.value);
          else if (v.type === 'vector') for (const s of v.samples) add(s.metric, ts, s.value);
        }
        const result = sortByLabels([...series.values()], (s) => s.metric);
        return { resultType: 'matrix', result };
      });
    },
  };
}
