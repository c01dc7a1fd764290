/**
 * The engine's public face: parses, checks and evaluates PromQL over a store
 * Querier with Prometheus 2.42's semantics.
 */
import type { Querier } from '../store/types';
import { QueryError, type Engine, type QueryValue } from './types';

export interface EngineOptions {
  /** How far back an instant selector looks for a sample (Prometheus' --query.lookback-delta); default 5 m. */
  lookbackDeltaMs?: number;
  /** Clock (ms); default Date.now. */
  now?: () => number;
}

export const DEFAULT_LOOKBACK_DELTA_MS = 5 * 60_000;

export function createEngine(querier: Querier, opts: EngineOptions = {}): Engine {
  void querier; void opts;
  return {
    instantQuery(expr: string, t: number): QueryValue {
      throw new QueryError(`engine under construction: cannot evaluate ${expr} at ${t}`, 'execution');
    },
    rangeQuery(expr: string, start: number, end: number, step: number): QueryValue {
      throw new QueryError(`engine under construction: cannot evaluate ${expr} over ${start}..${end} step ${step}`, 'execution');
    },
  };
}
