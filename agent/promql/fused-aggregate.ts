/**
 * Aggregation straight over a selector's series (`sum by (job) (rate(x[5m]))`,
 * `count by (code) (x)`): the series are fixed for the whole query, so which
 * group each one falls in is worked out once per query, and every step only
 * adds numbers into per-group slots: no sample objects, no group keys and no
 * hash lookups per series per step. Arithmetic, order of additions and the
 * order of the groups in the output are exactly those of aggregate(), so the
 * results are bit-identical.
 */
import type { Labels } from '../store/types';
import type { AggregateOp } from './ast';
import { groupLabels } from './aggregate';
import { signatureFn } from './labels';
import type { Sample } from './values';

/** Operators without a parameter whose state per group is a few numbers. */
export const FUSABLE_OPS: ReadonlySet<AggregateOp> = new Set<AggregateOp>(['sum', 'avg', 'min', 'max', 'count', 'group']);

function isInf(x: number): boolean {
  return x === Infinity || x === -Infinity;
}

export class GroupedAccumulator {
  /** Group of each input series (by its index in the selection). */
  private readonly groupOf: Int32Array;
  private readonly labels: Labels[] = [];
  private value = new Float64Array(0);
  private mean = new Float64Array(0);
  private count = new Float64Array(0);
  /** Groups in the order their first sample came at this step (aggregate()'s output order). */
  private order: number[] = [];

  /** metrics: the label set each input series has at the aggregation (name already dropped where the function drops it). */
  constructor(private readonly op: AggregateOp, groupingIn: string[], without: boolean, metrics: readonly Labels[]) {
    const grouping = [...new Set(groupingIn)].sort();
    const groupingSet = new Set(grouping);
    const keyOf = signatureFn(!without, grouping);
    const byKey = new Map<string, number>();
    this.groupOf = new Int32Array(metrics.length);
    for (let i = 0; i < metrics.length; i++) {
      const key = keyOf(metrics[i]);
      let g = byKey.get(key);
      if (g === undefined) {
        byKey.set(key, (g = this.labels.length));
        this.labels.push(groupLabels(metrics[i], grouping, groupingSet, without));
      }
      this.groupOf[i] = g;
    }
    const n = this.labels.length;
    this.value = new Float64Array(n);
    this.mean = new Float64Array(n);
    this.count = new Float64Array(n);
  }

  /** Starts a step. */
  begin(): void {
    this.count.fill(0);
    this.order = [];
  }

  /** Adds series i's value at this step (in selection order, as aggregate() sees them). */
  add(i: number, v: number): void {
    const g = this.groupOf[i];
    const c = this.count[g];
    if (c === 0) {
      this.order.push(g);
      this.count[g] = 1;
      this.value[g] = this.op === 'group' ? 1 : v;
      this.mean[g] = v;
      return;
    }
    switch (this.op) {
      case 'sum': this.value[g] += v; break;
      case 'avg': {
        const count = (this.count[g] = c + 1);
        const mean = this.mean[g];
        if (isInf(mean)) {
          if (isInf(v) && mean > 0 === v > 0) break;
          if (!isInf(v) && !Number.isNaN(v)) break;
        }
        // Dividing both terms avoids overflowing float64 with large values.
        this.mean[g] = mean + (v / count - mean / count);
        break;
      }
      case 'max': if (this.value[g] < v || Number.isNaN(this.value[g])) this.value[g] = v; break;
      case 'min': if (this.value[g] > v || Number.isNaN(this.value[g])) this.value[g] = v; break;
      case 'count': this.count[g] = c + 1; break;
      default: break;
    }
  }

  /** The step's output vector. */
  result(): Sample[] {
    const out: Sample[] = new Array(this.order.length);
    for (let k = 0; k < this.order.length; k++) {
      const g = this.order[k];
      const value = this.op === 'avg' ? this.mean[g] : this.op === 'count' ? this.count[g] : this.value[g];
      out[k] = { metric: this.labels[g], value };
    }
    return out;
  }
}
