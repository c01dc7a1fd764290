/**
 * The query functions rules evaluate with, over the PromQL engine: an
 * instant query whose vector result is used as is and whose scalar result
 * becomes one sample without labels (Prometheus' EngineQueryFunc); other
 * result types are an error for rules.
 *
 * Rule expressions run asynchronously (the engine gives the event loop a
 * turn every few milliseconds and honours the group's deadline). Go
 * templates call `query` synchronously, so alert templates get a
 * synchronous variant with a short timeout of its own.
 */
import { QueryError, type Engine, type QueryFunc, type QueryValue, type SyncQueryFunc, type VectorSample } from '../promql/types';

/** Longest a template's `query` may run (it cannot yield: templates are synchronous). */
export const TEMPLATE_QUERY_TIMEOUT_MS = 250;

function asVector(v: QueryValue): VectorSample[] {
  switch (v.resultType) {
    case 'vector': return v.result;
    case 'scalar': return [{ metric: {}, t: v.result.t, value: v.result.value }];
    default: throw new QueryError('rule result is not a vector or scalar', 'execution');
  }
}

export function engineQueryFunc(engine: Pick<Engine, 'instantQueryAsync'>): QueryFunc {
  return async (expr, t, opts) => asVector(await engine.instantQueryAsync(expr, t, opts));
}

/** For the `query` template function: synchronous, bounded by TEMPLATE_QUERY_TIMEOUT_MS. */
export function engineTemplateQueryFunc(engine: Pick<Engine, 'instantQuery'>): SyncQueryFunc {
  return (expr, t) => asVector(engine.instantQuery(expr, t, { timeoutMs: TEMPLATE_QUERY_TIMEOUT_MS }));
}
