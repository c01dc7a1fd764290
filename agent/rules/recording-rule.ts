/**
 * A recording rule, as Prometheus' rules.RecordingRule: the expression's
 * result renamed to the rule's name, with the rule's labels applied, to be
 * appended to the store at the evaluation time.
 */
import type { QueryFunc, QueryOptions, VectorSample } from '../promql/types';
import type { Labels } from '../store/types';
import { labelsKey, METRIC_NAME, setLabel } from './labels';
import type { RuleSpec } from './rulefmt';

/** Prometheus' rule health as the API shows it. */
export type RuleHealth = 'unknown' | 'ok' | 'err';

export class RecordingRule {
  readonly kind = 'record' as const;
  readonly name: string;
  readonly expr: string;
  readonly labels: Labels;
  health: RuleHealth = 'unknown';
  lastError: string | undefined;
  lastEvaluation: number | undefined;
  evaluationTime = 0;

  constructor(spec: RuleSpec, private readonly queryOffset: number) {
    this.name = spec.name;
    this.expr = spec.expr;
    this.labels = { ...spec.labels };
  }

  /** The samples to record for evaluation time ts; throws on query errors, duplicates and limit. */
  async eval(ts: number, query: QueryFunc, limit: number, opts?: QueryOptions): Promise<VectorSample[]> {
    const t = ts - this.queryOffset;
    const vector = await query(this.expr, t, opts);
    const seen = new Set<string>();
    const out: VectorSample[] = vector.map((s) => {
      const metric: Labels = { ...s.metric, [METRIC_NAME]: this.name };
      for (const [k, v] of Object.entries(this.labels)) setLabel(metric, k, v);
      const key = labelsKey(metric);
      if (seen.has(key)) throw new Error('vector contains metrics with the same labelset after applying rule labels');
      seen.add(key);
      return { metric, t, value: s.value };
    });
    if (limit > 0 && out.length > limit) throw new Error(`exceeded limit of ${limit} with ${out.length} series`);
    return out;
  }
}
