/**
 * The QueryFunc rules evaluate with, over the PromQL engine: an instant
 * query whose vector result is used as is and whose scalar result becomes one
 * sample without labels (Prometheus' EngineQueryFunc); other result types
 * are an error for rules.
 */
import { QueryError, type Engine, type QueryFunc } from '../promql/types';

export function engineQueryFunc(engine: Pick<Engine, 'instantQuery'>): QueryFunc {
  return (expr, t) => {
    const v = engine.instantQuery(expr, t);
    switch (v.resultType) {
      case 'vector': return v.result;
      case 'scalar': return [{ metric: {}, t: v.result.t, value: v.result.value }];
      default: throw new QueryError('rule result is not a vector or scalar', 'execution');
    }
  };
}
