/**
 * What the PromQL engine returns, in the shapes of Prometheus' HTTP API, and
 * the query function rules are evaluated with (Prometheus' rules.QueryFunc).
 */
import type { Labels } from '../store/types';

/** One element of an instant vector. t in ms. */
export interface VectorSample { metric: Labels; t: number; value: number }
/** One series of a range query result. */
export interface MatrixSeries { metric: Labels; points: { t: number; value: number }[] }

export type QueryValue =
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'scalar'; result: { t: number; value: number } }
  | { resultType: 'string'; result: { t: number; value: string } };

/** Raised for a query that cannot be parsed or evaluated; errorType as in Prometheus' API. */
export class QueryError extends Error {
  constructor(message: string, readonly errorType: 'bad_data' | 'execution' | 'timeout' | 'canceled' = 'bad_data') {
    super(message);
    this.name = 'QueryError';
  }
}

/**
 * Evaluates expr at time t (ms) and returns an instant vector; a scalar
 * result becomes one sample with no labels, as in Prometheus' EngineQueryFunc.
 */
export type QueryFunc = (expr: string, t: number) => VectorSample[];

/** The engine's public face (agent/promql/engine.ts implements it over a store Querier). */
export interface Engine {
  /** Instant query at t (ms), as GET /api/v1/query. */
  instantQuery(expr: string, t: number): QueryValue;
  /** Range query over [start, end] every step (all ms), as GET /api/v1/query_range; always a matrix. */
  rangeQuery(expr: string, start: number, end: number, step: number): QueryValue;
}
