/**
 * The engine's public face: parses, checks and evaluates PromQL over a store
 * Querier with Prometheus 2.42's semantics, returning results in the shapes
 * of Prometheus' HTTP API (agent/promql/types.ts).
 */
import type { Querier } from '../store/types';
import { Evaluator, MEMO_LIMIT, type EvalOptions } from './evaluator';
import { labelsKey, sortByLabels } from './labels';
import { parseExpr, typeOf } from './parse';
import { QueryError, type Engine, type MatrixSeries, type QueryOptions, type QueryValue } from './types';
import { QueryContext, runCooperatively, runToCompletion, type Steps } from './context';
import { DOCUMENTED_TYPE, type Expr } from './ast';
import type { Labels } from '../store/types';
import { Arena } from '../store/mem-series';

export interface EngineOptions {
  /** How far back an instant selector looks for a sample (Prometheus' --query.lookback-delta); default 5 m. */
  lookbackDeltaMs?: number;
  /** Step of subqueries written without one, e.g. `x[1h:]` (Prometheus' global evaluation_interval); default 1 m. */
  defaultSubqueryStepMs?: number;
  /** Most samples one query may hold (Prometheus' --query.max-samples); default 5 000 000 (~80 MB decoded). */
  maxSamples?: number;
  /** Default and upper bound of a query's run time (Prometheus' --query.timeout); default 30 s. */
  timeoutMs?: number;
  /** Longest stretch of evaluation between two event-loop turns (async queries); default 10 ms. */
  sliceMs?: number;
  /** Clock (ms) for instantQuery when given a non-finite time; default Date.now. */
  now?: () => number;
}

export const DEFAULT_LOOKBACK_DELTA_MS = 5 * 60_000;
/** Prometheus' API refuses range queries with more points per series than this. */
export const MAX_POINTS_PER_SERIES = 11_000;

export const DEFAULT_MAX_SAMPLES = 5_000_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

/** Plain errors (bugs, function failures) as execution QueryErrors that name the query. */
function asQueryError(expr: string, err: unknown): QueryError {
  if (err instanceof QueryError) return err;
  return new QueryError(`evaluating ${JSON.stringify(expr)}: ${(err as Error).message}`, 'execution');
}

function copyRange(a: ArrayLike<number>, lo: number, hi: number): Float64Array {
  const out = new Float64Array(hi - lo);
  for (let i = lo; i < hi; i++) out[i - lo] = a[i];
  return out;
}

/** Evaluation steps wrapped so that failures become QueryErrors. */
function* guarded<T>(expr: string, steps: Steps<T>): Steps<T> {
  try {
    return yield* steps;
  } catch (err) {
    throw asQueryError(expr, err);
  }
}

/** Scratch arenas for decoded samples, one per running query; a few are kept for reuse. */
class ArenaPool {
  private readonly free: Arena[] = [];
  constructor(private readonly keep: number) {}
  take(): Arena {
    return this.free.pop() ?? new Arena();
  }
  give(a: Arena): void {
    a.reset();
    if (this.free.length < this.keep) this.free.push(a);
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
  };
  const maxSamples = opts.maxSamples ?? DEFAULT_MAX_SAMPLES;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  if (!(evalOpts.lookbackDeltaMs > 0)) throw new Error(`createEngine: lookbackDeltaMs must be positive, got ${evalOpts.lookbackDeltaMs}`);
  if (!(timeoutMs > 0)) throw new Error(`createEngine: timeoutMs must be positive, got ${timeoutMs}`);
  const now = opts.now ?? Date.now;
  const asts = new AstCache(1000);
  const arenas = new ArenaPool(4);

  /** The query's limits: its own timeout never exceeds the engine's (as Prometheus' min of both). */
  const contextFor = (q: QueryOptions = {}): QueryContext => {
    const ms = q.timeoutMs !== undefined && q.timeoutMs > 0 ? Math.min(q.timeoutMs, timeoutMs) : timeoutMs;
    return new QueryContext({ deadline: (q.startedAt ?? performance.now()) + ms, signal: q.signal, sliceMs: opts.sliceMs, maxSamples });
  };

  function* instantSteps(expr: string, tIn: number, ctx: QueryContext, arena: Arena): Steps<QueryValue> {
    const t = Number.isFinite(tIn) ? tIn : now();
    const ast = asts.parse(expr);
    ctx.check();
    return yield* guarded(expr, (function* () {
      const ev = new Evaluator(querier, ast, t, t, evalOpts, ctx, arena);
      yield* ev.prepare();
      const v = yield* ev.evalAt(t);
      switch (v.type) {
        case 'scalar': return { resultType: 'scalar', result: { t, value: v.value } } as QueryValue;
        case 'string': return { resultType: 'string', result: { t, value: v.value } } as QueryValue;
        case 'vector': return { resultType: 'vector', result: v.samples.map((s) => ({ metric: s.metric, t, value: s.value })) } as QueryValue;
        case 'matrix': {
          const result: MatrixSeries[] = [];
          for (const s of v.series) {
            if (ctx.due()) yield;
            result.push({ metric: s.metric, t: copyRange(s.t, s.lo, s.hi), v: copyRange(s.v, s.lo, s.hi) });
          }
          return { resultType: 'matrix', result } as QueryValue;
        }
      }
    })());
  }

  function* rangeSteps(expr: string, start: number, end: number, step: number, ctx: QueryContext, arena: Arena): Steps<QueryValue> {
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
    ctx.check();
    return yield* guarded(expr, (function* () {
      const ev = new Evaluator(querier, ast, start, end, evalOpts, ctx, arena);
      yield* ev.prepare();
      const bySeries = yield* ev.rangeBySeries(step);
      if (bySeries) return { resultType: 'matrix', result: sortByLabels(bySeries, (s) => s.metric) } as QueryValue;
      type Out = { metric: Labels; t: number[]; v: number[] };
      const series = new Map<string, Out>();
      // Label objects mostly repeat from step to step: found by identity first, by key otherwise.
      const byObject = new Map<Labels, Out>();
      const add = (metric: Labels, t: number, value: number): void => {
        let s = byObject.get(metric);
        if (!s) {
          const key = labelsKey(metric);
          s = series.get(key);
          if (!s) series.set(key, (s = { metric, t: [], v: [] }));
          if (byObject.size < MEMO_LIMIT) byObject.set(metric, s);
        }
        s.t.push(t);
        s.v.push(value);
      };
      for (let ts = start; ts <= end; ts += step) {
        const v = yield* ev.evalAt(ts);
        if (v.type === 'scalar') add({}, ts, v.value);
        else if (v.type === 'vector') {
          // The result's points are held until the end: they count against the sample budget.
          ctx.addSamples(v.samples.length);
          for (const s of v.samples) add(s.metric, ts, s.value);
        }
        if (ctx.due()) yield;
      }
      const result: MatrixSeries[] = sortByLabels([...series.values()], (s) => s.metric).map((s) => ({ metric: s.metric, t: Float64Array.from(s.t), v: Float64Array.from(s.v) }));
      return { resultType: 'matrix', result } as QueryValue;
    })());
  }

  const sync = (make: (ctx: QueryContext, arena: Arena) => Steps<QueryValue>, q?: QueryOptions): QueryValue => {
    const ctx = contextFor(q);
    const arena = arenas.take();
    try {
      return runToCompletion(make(ctx, arena));
    } finally {
      arenas.give(arena);
    }
  };

  const cooperative = async (make: (ctx: QueryContext, arena: Arena) => Steps<QueryValue>, q?: QueryOptions): Promise<QueryValue> => {
    const ctx = contextFor(q);
    const arena = arenas.take();
    try {
      return await runCooperatively(make(ctx, arena), ctx);
    } finally {
      arenas.give(arena);
    }
  };

  return {
    timeoutMs,
    maxSamples,
    instantQuery: (expr, t, q) => sync((ctx, arena) => instantSteps(expr, t, ctx, arena), q),
    rangeQuery: (expr, start, end, step, q) => sync((ctx, arena) => rangeSteps(expr, start, end, step, ctx, arena), q),
    instantQueryAsync: (expr, t, q) => cooperative((ctx, arena) => instantSteps(expr, t, ctx, arena), q),
    rangeQueryAsync: (expr, start, end, step, q) => cooperative((ctx, arena) => rangeSteps(expr, start, end, step, ctx, arena), q),
  };
}
