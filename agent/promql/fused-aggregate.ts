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

/**
 * Per group (and, for a whole range query at once, per group and step: slot
 * g * steps + k) the running value, mean and count of the aggregation.
 */
export class GroupedAccumulator {
  /** Group of each input series (by its index in the selection). */
  private readonly groupOf: Int32Array;
  private readonly labels: Labels[] = [];
  private value = new Float64Array(0);
  private mean = new Float64Array(0);
  private count = new Float64Array(0);
  /** Groups in the order their first sample came at this step (aggregate()'s output order). */
  private order: number[] = [];

  /**
   * metrics: the label set each input series has at the aggregation (name already dropped where the
   * function drops it); steps: how many steps it holds at once (1: one step at a time, begin() to result()).
   */
  constructor(private readonly op: AggregateOp, groupingIn: string[], without: boolean, metrics: readonly Labels[], private readonly steps = 1, maxSlots = Infinity) {
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
    const n = this.labels.length * steps;
    // Too many slots: nothing allocated; the caller sees it in `groups` and goes another way.
    if (n > maxSlots) return;
    this.value = new Float64Array(n);
    this.mean = new Float64Array(n);
    this.count = new Float64Array(n);
  }

  get groups(): number {
    return this.labels.length;
  }

  /** Starts a step. */
  begin(): void {
    this.count.fill(0);
    this.order = [];
  }

  /** Adds series i's value at this step, or at step k of many (in selection order, as aggregate() sees them). */
  add(i: number, v: number, k = 0): void {
    const group = this.groupOf[i];
    const g = group * this.steps + k;
    const c = this.count[g];
    if (c === 0) {
      if (this.steps === 1) this.order.push(group);
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

  /** With many steps: each group's points (times start + k * step), groups without any left out. */
  series(start: number, step: number): { metric: Labels; t: Float64Array; v: Float64Array }[] {
    const out: { metric: Labels; t: Float64Array; v: Float64Array }[] = [];
    const n = this.steps;
    for (let group = 0; group < this.labels.length; group++) {
      let points = 0;
      for (let k = 0; k < n; k++) if (this.count[group * n + k] > 0) points++;
      if (points === 0) continue;
      const t = new Float64Array(points);
      const v = new Float64Array(points);
      let j = 0;
      for (let k = 0; k < n; k++) {
        const g = group * n + k;
        if (this.count[g] === 0) continue;
        t[j] = start + k * step;
        v[j++] = this.valueAt(g);
      }
      out.push({ metric: this.labels[group], t, v });
    }
    return out;
  }

  private valueAt(g: number): number {
    return this.op === 'avg' ? this.mean[g] : this.op === 'count' ? this.count[g] : this.value[g];
  }

  /** The step's output vector. */
  result(): Sample[] {
    const out: Sample[] = new Array(this.order.length);
    for (let k = 0; k < this.order.length; k++) {
      const g = this.order[k];
      out[k] = { metric: this.labels[g], value: this.valueAt(g) };
    }
    return out;
  }
}
