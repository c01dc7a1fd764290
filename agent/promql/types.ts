/**
 * What the PromQL engine returns, in the shapes of Prometheus' HTTP API, and
 * the query function rules are evaluated with (Prometheus' rules.QueryFunc).
 */
import type { Labels } from '../store/types';

/** One element of an instant vector. t in ms. */
export interface VectorSample { metric: Labels; t: number; value: number }
/**
 * One series of a range query result: its points as parallel arrays (times
 * in ms, values), ascending. Columns rather than a `{t, value}` object per
 * point: a range query over many series returns hundreds of thousands.
 */
export interface MatrixSeries { metric: Labels; t: Float64Array; v: Float64Array }

/** A series' points as `{ t, value }` objects (tests, small results). */
export function pointsOf(s: MatrixSeries): { t: number; value: number }[] {
  return Array.from(s.t, (t, i) => ({ t, value: s.v[i] }));
}

/** A matrix series from `{ t, value }` points (tests, small results). */
export function matrixSeries(metric: Labels, points: readonly { t: number; value: number }[]): MatrixSeries {
  return { metric, t: Float64Array.from(points, (p) => p.t), v: Float64Array.from(points, (p) => p.value) };
}

export type QueryValue =
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'scalar'; result: { t: number; value: number } }
  | { resultType: 'string'; result: { t: number; value: string } };

/** Raised for a query that cannot be parsed or evaluated; errorType as in Prometheus' API. */
export class QueryError extends Error {
  constructor(message: string, readonly errorType: 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'unavailable' = 'bad_data') {
    super(message);
    this.name = 'QueryError';
  }
}

/** Per-query limits on top of the engine's. */
export interface QueryOptions {
  /** This query's timeout (ms); the engine's timeout caps it (Prometheus' `timeout` parameter). */
  timeoutMs?: number;
  /** Aborts the query: client disconnected, agent stopping, rule group overran its interval. */
  signal?: AbortSignal;
  /** When the timeout started running (performance.now()), e.g. before waiting in a queue; default now. */
  startedAt?: number;
}

/**
 * Evaluates expr at time t (ms) and returns an instant vector; a scalar
 * result becomes one sample with no labels, as in Prometheus' EngineQueryFunc.
 * Asynchronous: the engine yields to the event loop while it works.
 */
export type QueryFunc = (expr: string, t: number, opts?: QueryOptions) => Promise<VectorSample[]>;

/** A QueryFunc that blocks (Go templates' `query`); keep its timeout short. */
export type SyncQueryFunc = (expr: string, t: number) => VectorSample[];

/**
 * The engine's public face (agent/promql/engine.ts implements it over a
 * store Querier). The agent uses the *Async methods, which give the event
 * loop a turn every few milliseconds; the synchronous ones (same limits,
 * no turns) are for tests and offline tools such as `lookout test-rules`.
 */
export interface Engine {
  /** The default and maximum query timeout (ms). */
  readonly timeoutMs: number;
  /** Most samples one query may hold. */
  readonly maxSamples: number;
  /** Instant query at t (ms), as GET /api/v1/query. */
  instantQuery(expr: string, t: number, opts?: QueryOptions): QueryValue;
  /** Range query over [start, end] every step (all ms), as GET /api/v1/query_range; always a matrix. */
  rangeQuery(expr: string, start: number, end: number, step: number, opts?: QueryOptions): QueryValue;
  instantQueryAsync(expr: string, t: number, opts?: QueryOptions): Promise<QueryValue>;
  rangeQueryAsync(expr: string, start: number, end: number, step: number, opts?: QueryOptions): Promise<QueryValue>;
}
