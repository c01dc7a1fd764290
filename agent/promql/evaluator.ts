/**
 * Evaluation of a checked AST over a store Querier, one evaluation time at a
 * time. Every selector's series are fetched once per query, over the union
 * of all the times the query will look at (including subquery steps,
 * offsets, @ and the lookback), and each step then finds its samples by
 * binary search. Step-invariant subtrees (those pinned with @) are computed
 * once; subquery inner steps are memoised, since their timestamps are
 * aligned to absolute multiples of the subquery step.
 */
import type { Labels, Querier, SampleScratch, SeriesData } from '../store/types';
import { upperBound } from '../store/mem-series';
import type { AggregateExpr, BinaryExpr, Call, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from './ast';
import { SET_OPS } from './ast';
import { aggregate } from './aggregate';
import { scalarBinop, vectorAnd, vectorBinop, vectorOr, vectorScalarBinop, vectorUnless } from './binary';
import { FUNCTIONS, TIME_DEPENDENT_FUNCTIONS } from './function-defs';
import { civil, DATE_FUNCTIONS } from './functions/date';
import { histogramQuantile, type BucketInfo } from './functions/histogram';
import { labelJoiner, labelReplacer } from './functions/label-functions';
import { clamp, roundTo, SIMPLE_MATH } from './functions/math';
import * as overTime from './functions/over-time';
import * as rate from './functions/rate';
import { nonDecreasing, type Window } from './functions/window';
import { dropMetricName, EMPTY_LABELS, labelsKey, sortByLabels, sortedLabels } from './labels';
import { QueryError } from './types';
import type { RangeSlice, RangeValue, Sample, Value } from './values';
import { type QueryContext, type Steps } from './context';
import { WindowCursors } from './cursors';
import { FUSABLE_OPS, GroupedAccumulator } from './fused-aggregate';
import { seriesAtSteps, type Grid, type RangeFn, type StepBuffers, type StepSource } from './series-steps';
import type { MatrixSeries } from './types';

export interface EvalOptions {
  lookbackDeltaMs: number;
  /** Step of subqueries written without one (`x[1h:]`): Prometheus' global evaluation_interval. */
  defaultSubqueryStepMs: number;
}

/** Most entries of a per-query memo keyed by label object (~20 MB of keys at most). */
export const MEMO_LIMIT = 200_000;

const NO_SCALARS: number[] = [];
const NO_POINTS = new Float64Array(0);
/**
 * Most inner steps per series a subquery is evaluated series by series over
 * (one buffer of this many points per query); finer subqueries (x[1h:1ms])
 * go step by step, where the sample budget stops them early.
 */
const SERIES_MAJOR_MAX_STEPS = 100_000;
/** Most group x step slots a range query's aggregation fills at once (3 numbers each: ~24 MB). */
const SERIES_MAJOR_MAX_SLOTS = 1_000_000;
/** Functions that look for counter resets in every window (see Window.monotonic). */
const COUNTER_FUNCTIONS = new Set(['rate', 'increase']);


// Taken out of the module namespace once: a call through it can cost a property getter per call
// (module loaders such as tsx's define exports as getters), and these run once per series and step.
const { extrapolatedRate, instantValue, deriv, predictLinear, resets, changes, holtWinters } = rate;
const quantileOverTime = overTime.quantileOverTime;

const RANGE_FUNCTIONS: Readonly<Record<string, RangeFn>> = {
  rate: (w) => extrapolatedRate(w, true, true),
  increase: (w) => extrapolatedRate(w, true, false),
  delta: (w) => extrapolatedRate(w, false, false),
  irate: (w) => instantValue(w, true),
  idelta: (w) => instantValue(w, false),
  deriv: (w) => deriv(w),
  predict_linear: (w, s) => predictLinear(w, s[0]),
  resets: (w) => resets(w),
  changes: (w) => changes(w),
  holt_winters: (w, s) => holtWinters(w, s[0], s[1]),
  avg_over_time: overTime.avgOverTime,
  sum_over_time: overTime.sumOverTime,
  count_over_time: overTime.countOverTime,
  max_over_time: overTime.maxOverTime,
  min_over_time: overTime.minOverTime,
  last_over_time: overTime.lastOverTime,
  present_over_time: overTime.presentOverTime,
  stddev_over_time: overTime.stddevOverTime,
  stdvar_over_time: overTime.stdvarOverTime,
  quantile_over_time: (w, s) => quantileOverTime(w, s[0]),
};

/** What an aggregation can read per series without intermediate vectors: a selector, or a one-argument range function of one. */
type SeriesSource =
  | { kind: 'vector'; sel: VectorSelector }
  | { kind: 'range'; arg: MatrixSelector; fn: RangeFn; keepName: boolean; counter: boolean };

function unwrapParens(e: Expr): Expr {
  while (e.kind === 'paren') e = e.expr;
  return e;
}

/**
 * Whether the inputs carry more than one metric name. Dropping the name can
 * only make label sets collide when it does, so the duplicate check below
 * is skipped otherwise (it costs a key per sample).
 */
function namesVary(metrics: Iterable<Labels>): boolean {
  let first: string | undefined | null = null;
  for (const m of metrics) {
    if (first === null) first = m.__name__;
    else if (m.__name__ !== first) return true;
  }
  return false;
}

function* metricsOf(items: { metric: Labels }[]): IterableIterator<Labels> {
  for (const i of items) yield i.metric;
}

function assertNoDuplicateLabelsets(samples: Sample[]): void {
  if (samples.length < 2) return;
  const seen = new Set<string>();
  for (const s of samples) {
    const key = labelsKey(s.metric);
    if (seen.has(key)) throw new QueryError('vector cannot contain metrics with the same labelset', 'execution');
    seen.add(key);
  }
}

/** The labels absent()/absent_over_time() report: the selector's equality matchers (a label matched twice is left out). */
function absentLabels(arg: Expr): Labels {
  const e = unwrapParens(arg);
  const sel = e.kind === 'vector' ? e : e.kind === 'matrix' ? e.selector : undefined;
  if (!sel) return EMPTY_LABELS;
  const out: Labels = {};
  const has = new Set<string>();
  for (const m of sel.matchers) {
    if (m.name === '__name__') continue;
    if (m.type === '=' && !has.has(m.name)) {
      if (m.value !== '') out[m.name] = m.value;
      else delete out[m.name];
      has.add(m.name);
    } else {
      delete out[m.name];
    }
  }
  return sortedLabels(out);
}

export class Evaluator {
  private readonly selections = new Map<VectorSelector, SeriesData[]>();
  private readonly invariant = new Set<Expr>();
  private readonly invariantCache = new Map<Expr, Value>();
  private readonly subqueryCache = new Map<SubqueryExpr, Map<number, Sample[]>>();
  /**
   * Per unary minus: result labelset -> the input series it came from, over every step of
   * the query. Prometheus negates the whole matrix at once and refuses it when two input
   * series end up with one labelset, even at different steps.
   */
  private readonly negatedOrigins = new Map<Expr, Map<string, string>>();
  /**
   * The same input label set drops to the same output object at every step (range queries,
   * subquery steps), so keys computed per label object downstream are computed once.
   */
  private readonly dropped = new Map<Labels, Labels>();
  /** Per selector expression (vector or matrix): where each series' window was at the last step. */
  private readonly cursors = new Map<Expr, WindowCursors>();
  /** Per selector: which series never decrease (see monotonicSeries). */
  private readonly monotonic = new Map<VectorSelector, Uint8Array>();
  /** Per selector: whether its series carry more than one metric name (see namesVary). */
  private readonly selectionNamesVary = new Map<VectorSelector, boolean>();
  /** Per aggregation: group key by input label object, stable across steps. */
  private readonly groupKeys = new Map<AggregateExpr, Map<Labels, string>>();
  /** Per histogram_quantile call: bucket bounds and groups by label object. */
  private readonly bucketCaches = new Map<Call, { buckets: Map<Labels, BucketInfo>; metrics: Map<string, Labels> }>();
  /** Per aggregation straight over a selector: its series' groups, worked out once per query. */
  private readonly accumulators = new Map<AggregateExpr, GroupedAccumulator>();
  /** Per subquery: the reference times [lo, hi] of its windows over the whole query (from prepare()). */
  private readonly subqueryRanges = new Map<SubqueryExpr, [number, number]>();
  /** Per subquery evaluated series by series: each series' points over the whole query, sliced per step. */
  private readonly subqueryPoints = new Map<SubqueryExpr, RangeSlice[] | null>();

  constructor(
    private readonly querier: Querier,
    private readonly root: Expr,
    /** Query start and end (ms); equal for an instant query. */
    private readonly start: number,
    private readonly end: number,
    private readonly opts: EvalOptions,
    /** Deadline, abort signal, sample budget and time slice of this query. */
    private readonly ctx: QueryContext,
    /** Memory for decoded samples, owned by the engine and valid for this evaluation. */
    private readonly scratch?: SampleScratch,
  ) {
    this.markInvariant(root);
  }

  private dropName(l: Labels): Labels {
    let out = this.dropped.get(l);
    if (!out) {
      out = dropMetricName(l);
      // Inputs built anew at every step (binary operations) would only fill the memo.
      if (this.dropped.size < MEMO_LIMIT) this.dropped.set(l, out);
    }
    return out;
  }

  /**
   * Appends to `out` each series' points in (rangeStart, ref] as a slice of its arrays (no copy),
   * skipping series with none; the cursors of `e` remember where the previous step's window began.
   */
  private *windows<S extends { t: ArrayLike<number>; v: ArrayLike<number> }>(
    e: Expr, all: readonly S[], labelsOf: (s: S) => Labels, rangeStart: number, ref: number, out: RangeSlice[],
  ): Steps<void> {
    const cur = this.cursorsFor(e, all.length);
    cur.begin(rangeStart, ref);
    for (let i = 0; i < all.length; i++) {
      if (this.ctx.due()) yield;
      const s = all[i];
      const lo = cur.first(i, s.t);
      const hi = cur.after(i, s.t, lo);
      if (hi > lo) out.push({ metric: labelsOf(s), t: s.t, v: s.v, lo, hi });
    }
  }

  private cursorsFor(e: Expr, n: number): WindowCursors {
    let c = this.cursors.get(e);
    if (!c) this.cursors.set(e, (c = new WindowCursors(n)));
    return c;
  }

  /** Per series of the selection: 1 when its values never decrease (rate() can skip looking for resets). */
  private *monotonicSeries(sel: VectorSelector): Steps<Uint8Array> {
    let m = this.monotonic.get(sel);
    if (!m) {
      const selected = this.selections.get(sel)!;
      m = new Uint8Array(selected.length);
      for (let i = 0; i < selected.length; i++) {
        if (this.ctx.due()) yield;
        m[i] = nonDecreasing(selected[i].v) ? 1 : 0;
      }
      this.monotonic.set(sel, m);
    }
    return m;
  }

  private namesVaryIn(sel: VectorSelector): boolean {
    let v = this.selectionNamesVary.get(sel);
    if (v === undefined) this.selectionNamesVary.set(sel, (v = namesVary(this.selections.get(sel)!.map((s) => s.labels))));
    return v;
  }

  /** Evaluates the root at one time; call prepare() first. */
  evalAt(ts: number): Steps<Value> {
    return this.eval(this.root, ts);
  }

  // ---- preparation ----

  /** Prometheus' step-invariance analysis: records the outermost subtrees whose value cannot change with the step. */
  private markInvariant(e: Expr): boolean {
    const wrapIf = (child: Expr, inv: boolean): void => {
      if (inv && child.kind !== 'number' && child.kind !== 'string') this.invariant.add(child);
    };
    switch (e.kind) {
      case 'number': case 'string': return true;
      case 'vector': return e.at !== undefined;
      case 'matrix': return e.selector.at !== undefined;
      case 'subquery': {
        const inner = this.markInvariant(e.expr);
        wrapIf(e.expr, inner);
        return e.at !== undefined;
      }
      case 'paren': case 'unary': {
        const inv = this.markInvariant(e.expr);
        if (e === this.root) wrapIf(e, inv);
        return inv;
      }
      case 'aggregate': {
        if (e.param) this.markInvariant(e.param);
        const inv = this.markInvariant(e.expr);
        if (e === this.root) wrapIf(e, inv);
        return inv;
      }
      case 'binary': {
        const l = this.markInvariant(e.lhs);
        const r = this.markInvariant(e.rhs);
        if (l && r) {
          if (e === this.root) wrapIf(e, true);
          return true;
        }
        wrapIf(e.lhs, l);
        wrapIf(e.rhs, r);
        return false;
      }
      case 'call': {
        const args = e.args.map((a) => this.markInvariant(a));
        const inv = !TIME_DEPENDENT_FUNCTIONS.has(e.func) && args.every(Boolean);
        if (inv) {
          if (e === this.root) wrapIf(e, true);
          return true;
        }
        e.args.forEach((a, i) => wrapIf(a, args[i]));
        return false;
      }
    }
  }

  private atTime(at: NonNullable<VectorSelector['at']>): number {
    return at.kind === 'time' ? at.t : at.kind === 'start' ? this.start : this.end;
  }

  /** Fetches every selector's series once, over all the times the query can look at. */
  *prepare(): Steps<void> {
    const windows = new Map<VectorSelector, [number, number]>();
    const visit = (e: Expr, lo: number, hi: number): void => {
      switch (e.kind) {
        case 'vector': case 'matrix': {
          const sel = e.kind === 'vector' ? e : e.selector;
          const back = e.kind === 'vector' ? this.opts.lookbackDeltaMs : e.range;
          let refLo = lo - sel.offset;
          let refHi = hi - sel.offset;
          if (sel.at) {
            const at = this.atTime(sel.at);
            // timestamp(x @ t) looks at t itself, ignoring the offset.
            refLo = Math.min(at - sel.offset, at);
            refHi = Math.max(at - sel.offset, at);
          }
          const prev = windows.get(sel);
          const w: [number, number] = [refLo - back, refHi];
          windows.set(sel, prev ? [Math.min(prev[0], w[0]), Math.max(prev[1], w[1])] : w);
          return;
        }
        case 'subquery': {
          const [refLo, refHi] = e.at ? [this.atTime(e.at) - e.offset, this.atTime(e.at) - e.offset] : [lo - e.offset, hi - e.offset];
          const prev = this.subqueryRanges.get(e);
          this.subqueryRanges.set(e, prev ? [Math.min(prev[0], refLo), Math.max(prev[1], refHi)] : [refLo, refHi]);
          visit(e.expr, refLo - e.range, refHi);
          return;
        }
        case 'number': case 'string': return;
        case 'paren': case 'unary': visit(e.expr, lo, hi); return;
        case 'aggregate': if (e.param) visit(e.param, lo, hi); visit(e.expr, lo, hi); return;
        case 'binary': visit(e.lhs, lo, hi); visit(e.rhs, lo, hi); return;
        case 'call': for (const a of e.args) visit(a, lo, hi); return;
      }
    };
    visit(this.root, this.start, this.end);
    for (const [sel, [mint, maxt]] of windows) {
      const selected = this.querier.selectSteps
        ? yield* this.querier.selectSteps(sel.matchers, mint, maxt, this.scratch, () => this.ctx.due())
        : this.querier.select(sel.matchers, mint, maxt, this.scratch);
      const series = this.querier.sortedByLabels ? selected : sortByLabels(selected, (s) => s.labels);
      let total = 0;
      for (const s of series) total += s.t.length;
      this.ctx.addSamples(total);
      this.selections.set(sel, series);
    }
  }

  // ---- evaluation ----

  private *eval(e: Expr, ts: number): Steps<Value> {
    if (this.invariant.has(e)) {
      const hit = this.invariantCache.get(e);
      if (hit) return hit;
      const v = yield* this.evalUncached(e, ts);
      this.invariantCache.set(e, v);
      return v;
    }
    return yield* this.evalUncached(e, ts);
  }

  private *evalUncached(e: Expr, ts: number): Steps<Value> {
    switch (e.kind) {
      case 'number': return { type: 'scalar', value: e.value };
      case 'string': return { type: 'string', value: e.value };
      case 'paren': return yield* this.eval(e.expr, ts);
      case 'vector': return { type: 'vector', samples: yield* this.selectVector(e, ts, false) };
      case 'matrix': case 'subquery': return yield* this.range(e, ts);
      case 'call': return yield* this.call(e, ts);
      case 'aggregate': return yield* this.aggregate(e, ts);
      case 'binary': return yield* this.binary(e, ts);
      case 'unary': {
        const v = yield* this.eval(e.expr, ts);
        if (e.op === '+') return v;
        if (v.type === 'scalar') return { type: 'scalar', value: -v.value };
        if (v.type !== 'vector') throw new QueryError(`unary minus on ${v.type}`, 'execution');
        const samples = v.samples.map((s) => ({ metric: this.dropName(s.metric), value: -s.value }));
        if (namesVary(metricsOf(v.samples))) assertNoDuplicateLabelsets(samples);
        if (this.start !== this.end) this.checkNegatedOrigins(e, v.samples, samples);
        return { type: 'vector', samples };
      }
    }
  }

  private checkNegatedOrigins(e: Expr, inputs: Sample[], outputs: Sample[]): void {
    let origins = this.negatedOrigins.get(e);
    if (!origins) this.negatedOrigins.set(e, (origins = new Map()));
    for (let i = 0; i < outputs.length; i++) {
      const key = labelsKey(outputs[i].metric);
      const from = labelsKey(inputs[i].metric);
      const seen = origins.get(key);
      if (seen === undefined) origins.set(key, from);
      else if (seen !== from) throw new QueryError('vector cannot contain metrics with the same labelset', 'execution');
    }
  }

  private *vector(e: Expr, ts: number): Steps<Sample[]> {
    const v = yield* this.eval(e, ts);
    if (v.type !== 'vector') throw new QueryError(`expected instant vector, got ${v.type}`, 'execution');
    return v.samples;
  }

  private *scalar(e: Expr, ts: number): Steps<number> {
    const v = yield* this.eval(e, ts);
    if (v.type !== 'scalar') throw new QueryError(`expected scalar, got ${v.type}`, 'execution');
    return v.value;
  }

  private stringArg(e: Expr): string {
    const s = unwrapParens(e);
    if (s.kind !== 'string') throw new QueryError('expected a string literal', 'bad_data');
    return s.value;
  }

  /**
   * The newest sample at or before the reference time, within the lookback
   * delta, unless a staleness marker came after it.
   */
  private *selectVector(e: VectorSelector, ts: number, forTimestamp: boolean): Steps<Sample[]> {
    let ref = ts - e.offset;
    if (e.at) ref = forTimestamp ? this.atTime(e.at) : this.atTime(e.at) - e.offset;
    const out: Sample[] = [];
    const selected = this.selections.get(e)!;
    yield* this.eachLatest(e, ref, (i, idx) => {
      const s = selected[i];
      out.push({ metric: s.labels, value: s.v[idx], t: s.t[idx] });
    });
    return out;
  }

  /** Calls sink(series, sample index) for each series of the selector with a sample visible at ref (see selectVector). */
  private *eachLatest(e: VectorSelector, ref: number, sink: (i: number, idx: number) => void): Steps<void> {
    const minT = ref - this.opts.lookbackDeltaMs;
    const selected = this.selections.get(e)!;
    const cur = this.cursorsFor(e, selected.length);
    cur.begin(minT, ref);
    for (let i = 0; i < selected.length; i++) {
      if (this.ctx.due()) yield;
      const s = selected[i];
      const idx = cur.after(i, s.t, 0) - 1;
      if (idx < 0) continue;
      const t = s.t[idx];
      if (t < minT) continue;
      if (s.staleT.length > 0) {
        const j = upperBound(s.staleT, ref) - 1;
        if (j >= 0 && s.staleT[j] > t) continue;
      }
      sink(i, idx);
    }
  }

  private *range(e: MatrixSelector | SubqueryExpr, ts: number): Steps<RangeValue> {
    if (e.kind === 'matrix') {
      const sel = e.selector;
      const ref = (sel.at ? this.atTime(sel.at) : ts) - sel.offset;
      const rangeStart = ref - e.range;
      const series: RangeSlice[] = [];
      const selected = this.selections.get(sel)!;
      yield* this.windows(e, selected, (s) => s.labels, rangeStart, ref, series);
      return { type: 'matrix', series, rangeStart, rangeEnd: ref, rangeMs: e.range };
    }
    const ref = (e.at ? this.atTime(e.at) : ts) - e.offset;
    const step = e.step || this.opts.defaultSubqueryStepMs;
    const rangeStart = ref - e.range;
    const all = yield* this.subqueryBySeries(e, step);
    if (all) {
      // Each series' inner points over the whole query are known: this step's window is a slice of them.
      const series: RangeSlice[] = [];
      yield* this.windows(e, all, (p) => p.metric, rangeStart, ref, series);
      return { type: 'matrix', series, rangeStart, rangeEnd: ref, rangeMs: e.range };
    }
    type Acc = { metric: Labels; t: number[]; v: number[] };
    const bySeries = new Map<string, Acc>();
    // Label objects repeat from step to step: found by identity first, by key otherwise.
    const byObject = new Map<Labels, Acc>();
    // Only a range query revisits inner steps; an instant query would just hold them twice.
    let cache = this.subqueryCache.get(e);
    if (!cache && this.start !== this.end) this.subqueryCache.set(e, (cache = new Map()));
    let held = 0;
    // Inner steps are the multiples of the step inside [ref - range, ref].
    for (let t = Math.ceil(rangeStart / step) * step; t <= ref; t += step) {
      if (this.ctx.due()) yield;
      let inner = cache?.get(t);
      if (!inner) {
        inner = yield* this.vector(e.expr, t);
        if (cache) {
          // Memoised inner vectors stay for the whole query: they count for good.
          this.ctx.addSamples(inner.length);
          cache.set(t, inner);
        }
      }
      // The points a subquery materialises count against the sample budget while they are held, as in Prometheus.
      this.ctx.addSamples(inner.length);
      held += inner.length;
      for (const s of inner) {
        if (this.ctx.due()) yield;
        let acc = byObject.get(s.metric);
        if (!acc) {
          const key = labelsKey(s.metric);
          acc = bySeries.get(key);
          if (!acc) bySeries.set(key, (acc = { metric: s.metric, t: [], v: [] }));
          if (byObject.size < MEMO_LIMIT) byObject.set(s.metric, acc);
        }
        acc.t.push(t);
        acc.v.push(s.value);
      }
    }
    const series: RangeSlice[] = [];
    // As typed arrays, like every selector's samples: range functions then only ever see one array kind (faster element access).
    for (const acc of bySeries.values()) series.push({ metric: acc.metric, t: Float64Array.from(acc.t), v: Float64Array.from(acc.v), lo: 0, hi: acc.t.length });
    // The caller consumes them at this step and drops them.
    this.ctx.samples -= held;
    return { type: 'matrix', series, rangeStart, rangeEnd: ref, rangeMs: e.range };
  }

  /**
   * A subquery whose inner expression is read per series (`rate(x[5m])[30m:1m]`),
   * or aggregates such a source (`sum by (job) (rate(x[5m]))[1h:1m]`):
   * the inner expression is evaluated for each series over every inner step
   * the whole query needs, once; each outer step then takes a slice. Undefined
   * when the inner steps are too many for one buffer (evaluated step by step).
   */
  private *subqueryBySeries(e: SubqueryExpr, step: number): Steps<RangeSlice[] | undefined> {
    const hit = this.subqueryPoints.get(e);
    if (hit !== undefined) return hit ?? undefined;
    const [refLo, refHi] = this.subqueryRanges.get(e)!;
    // The inner steps are the multiples of the step inside [ref - range, ref], for every ref the query has.
    const first = Math.ceil((refLo - e.range) / step) * step;
    const n = refHi >= first ? Math.floor((refHi - first) / step) + 1 : 0;
    let all: RangeSlice[] | undefined;
    if (n <= SERIES_MAJOR_MAX_STEPS) {
      const grid: Grid = { start: first, step, n };
      const inner = unwrapParens(e.expr);
      if (inner.kind === 'aggregate') {
        const groups = yield* this.aggregateBySeries(inner, grid);
        all = groups?.map((g) => ({ metric: g.metric, t: g.t, v: g.v, lo: 0, hi: g.t.length }));
      } else {
        const src = this.seriesSource(inner);
        if (src) all = yield* this.pointsBySeries(src, grid);
      }
    }
    // Not applicable is remembered too: the subquery is evaluated at every outer step.
    this.subqueryPoints.set(e, all ?? null);
    return all;
  }

  /**
   * A range query whose expression is read per series (`x`, `rate(x[5m])`):
   * each series evaluated over all the query's steps in one pass, instead of
   * a vector of all series per step regrouped by label set. Undefined for any
   * other expression (evaluated step by step). Unsorted.
   */
  *rangeBySeries(step: number): Steps<MatrixSeries[] | undefined> {
    const grid: Grid = { start: this.start, step, n: Math.floor((this.end - this.start) / step) + 1 };
    const root = unwrapParens(this.root);
    if (root.kind === 'aggregate') return yield* this.aggregateBySeries(root, grid);
    const src = this.seriesSource(root);
    if (!src) return undefined;
    const all = yield* this.pointsBySeries(src, grid);
    // pointsBySeries' arrays are Float64Arrays (the grid's times, step buffers or slices of them).
    return all.map((s) => ({ metric: s.metric, t: s.t as Float64Array, v: s.v as Float64Array }));
  }

  /**
   * A range query of sum/avg/min/max/count/group straight over a source read
   * per series: each series evaluated over all steps, its values added into
   * per-group, per-step slots, in selection order as the step-by-step path
   * adds them (bit-identical). Undefined when not applicable, or when the
   * slots would be too many (a group per series over many steps).
   */
  private *aggregateBySeries(e: AggregateExpr, grid: Grid): Steps<MatrixSeries[] | undefined> {
    if (e.param || !FUSABLE_OPS.has(e.op) || this.invariant.has(e)) return undefined;
    const src = this.seriesSource(e.expr);
    if (!src) return undefined;
    const sel = src.kind === 'vector' ? src.sel : src.arg.selector;
    const metrics = this.selections.get(sel)!.map((s) => (src.kind === 'vector' ? s.labels : this.dropName(s.labels)));
    const acc = new GroupedAccumulator(e.op, e.grouping, e.without, metrics, grid.n, SERIES_MAJOR_MAX_SLOTS);
    if (acc.groups * grid.n > SERIES_MAJOR_MAX_SLOTS) return undefined;
    const { start, step } = grid;
    yield* this.eachSeriesAtSteps(src, grid, (i, t, v, count) => {
      for (let j = 0; j < count; j++) acc.add(i, v[j], (t[j] - start) / step);
    });
    const out = acc.series(start, step);
    let points = 0;
    for (const s of out) points += s.t.length;
    this.ctx.addSamples(points);
    return out;
  }

  /** Each series of the source evaluated at every grid time (series without a value anywhere left out); the points count against the sample budget. */
  private *pointsBySeries(src: SeriesSource, grid: Grid): Steps<RangeSlice[]> {
    const selected = this.selections.get(src.kind === 'vector' ? src.sel : src.arg.selector)!;
    // A series with a value at every grid time (the usual case) gets the grid's own times, shared, and
    // its buffer of values as is; others get copies of the part of the buffers they filled.
    const gridT = new Float64Array(grid.n);
    for (let k = 0; k < grid.n; k++) gridT[k] = grid.start + k * grid.step;
    const out: RangeSlice[] = [];
    yield* this.eachSeriesAtSteps(src, grid, (i, t, v, count, buf) => {
      this.ctx.addSamples(count);
      const s = selected[i];
      const metric = src.kind === 'vector' || src.keepName ? s.labels : this.dropName(s.labels);
      if (count === grid.n) {
        out.push({ metric, t: gridT, v, lo: 0, hi: count });
        buf.v = new Float64Array(grid.n);
      } else {
        out.push({ metric, t: t.slice(0, count), v: v.slice(0, count), lo: 0, hi: count });
      }
    });
    return out;
  }

  /**
   * Calls sink(i, times, values, count, buffers) for each series i of the source with values at
   * `count` grid times (in the buffers, which the sink may replace to keep them).
   */
  private *eachSeriesAtSteps(src: SeriesSource, grid: Grid, sink: (i: number, t: Float64Array, v: Float64Array, count: number, buf: StepBuffers) => void): Steps<void> {
    const sel = src.kind === 'vector' ? src.sel : src.arg.selector;
    const selected = this.selections.get(sel)!;
    const buf: StepBuffers = { t: new Float64Array(grid.n), v: new Float64Array(grid.n) };
    const stepSrc: StepSource = src.kind === 'vector'
      ? { kind: 'vector', offset: sel.offset, lookbackMs: this.opts.lookbackDeltaMs }
      : { kind: 'range', offset: sel.offset, rangeMs: src.arg.range, fn: src.fn, scalars: NO_SCALARS };
    const monotonic = src.kind === 'range' && src.counter ? yield* this.monotonicSeries(sel) : undefined;
    for (let i = 0; i < selected.length; i++) {
      const count = yield* seriesAtSteps(selected[i], monotonic !== undefined && monotonic[i] === 1, stepSrc, grid, buf, this.ctx);
      if (count > 0) sink(i, buf.t, buf.v, count, buf);
    }
  }

  private *call(e: Call, ts: number): Steps<Value> {
    const def = FUNCTIONS.get(e.func)!;
    if (e.func === 'timestamp') {
      const arg = unwrapParens(e.args[0]);
      const samples = arg.kind === 'vector' ? yield* this.selectVector(arg, ts, true) : yield* this.vector(arg, ts);
      // Only raw selector samples carry their own time; anything computed is stamped with the evaluation time.
      const out = samples.map((s) => ({ metric: this.dropName(s.metric), value: (arg.kind === 'vector' ? s.t! : ts) / 1000 }));
      if (namesVary(metricsOf(samples))) assertNoDuplicateLabelsets(out);
      return { type: 'vector', samples: out };
    }
    const matrixArg = def.argTypes.indexOf('matrix');
    if (matrixArg >= 0) return yield* this.rangeCall(e, ts, matrixArg);

    const fn = e.func;
    let out: Sample[];
    // Functions that only drop the metric name (or keep labels) need the duplicate check only when names vary.
    let checkDuplicates: boolean | undefined;
    const self = this;
    function* arg0(): Steps<Sample[]> {
      const v = yield* self.vector(e.args[0], ts);
      checkDuplicates ??= namesVary(metricsOf(v));
      return v;
    }
    function* mapValues(f: (v: number) => number): Steps<Sample[]> {
      return (yield* arg0()).map((s) => ({ metric: self.dropName(s.metric), value: f(s.value) }));
    }
    if (fn in SIMPLE_MATH) out = yield* mapValues(SIMPLE_MATH[fn]);
    else if (fn in DATE_FUNCTIONS) {
      const f = DATE_FUNCTIONS[fn];
      if (e.args.length === 0) return { type: 'vector', samples: [{ metric: EMPTY_LABELS, value: f(civil(Math.trunc(ts / 1000))) }] };
      out = yield* mapValues((v) => f(civil(v)));
    } else {
      switch (fn) {
        case 'time': return { type: 'scalar', value: ts / 1000 };
        case 'pi': return { type: 'scalar', value: Math.PI };
        case 'scalar': {
          const v = yield* arg0();
          return { type: 'scalar', value: v.length === 1 ? v[0].value : NaN };
        }
        case 'vector': out = [{ metric: EMPTY_LABELS, value: yield* this.scalar(e.args[0], ts) }]; break;
        case 'clamp': {
          const v = yield* arg0();
          const min = yield* this.scalar(e.args[1], ts);
          const max = yield* this.scalar(e.args[2], ts);
          out = max < min ? [] : v.map((s) => ({ metric: this.dropName(s.metric), value: clamp(s.value, min, max) }));
          break;
        }
        case 'clamp_max': {
          const v = yield* arg0();
          const max = yield* this.scalar(e.args[1], ts);
          out = v.map((s) => ({ metric: this.dropName(s.metric), value: Math.min(max, s.value) }));
          break;
        }
        case 'clamp_min': {
          const v = yield* arg0();
          const min = yield* this.scalar(e.args[1], ts);
          out = v.map((s) => ({ metric: this.dropName(s.metric), value: Math.max(min, s.value) }));
          break;
        }
        case 'round': {
          const v = yield* arg0();
          const toNearest = e.args.length > 1 ? yield* this.scalar(e.args[1], ts) : 1;
          out = v.map((s) => ({ metric: this.dropName(s.metric), value: roundTo(s.value, toNearest) }));
          break;
        }
        case 'absent': out = (yield* arg0()).length > 0 ? [] : [{ metric: absentLabels(e.args[0]), value: 1 }]; break;
        case 'sort': case 'sort_desc': {
          const desc = fn === 'sort_desc';
          checkDuplicates = false;
          out = (yield* arg0()).slice().sort((a, b) => {
            const an = Number.isNaN(a.value);
            const bn = Number.isNaN(b.value);
            if (an || bn) return an === bn ? 0 : an ? 1 : -1;
            const c = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
            return desc ? -c : c;
          });
          break;
        }
        case 'label_replace': {
          const v = yield* arg0();
          const f = this.wrapFunctionError(() => labelReplacer(
            this.stringArg(e.args[1]), this.stringArg(e.args[2]), this.stringArg(e.args[3]), this.stringArg(e.args[4])));
          out = v.map((s) => ({ metric: f(s.metric), value: s.value }));
          checkDuplicates = true;
          break;
        }
        case 'label_join': {
          const v = yield* arg0();
          const f = this.wrapFunctionError(() => labelJoiner(
            this.stringArg(e.args[1]), this.stringArg(e.args[2]), e.args.slice(3).map((a) => this.stringArg(a))));
          out = v.map((s) => ({ metric: f(s.metric), value: s.value }));
          checkDuplicates = true;
          break;
        }
        case 'histogram_quantile': {
          const q = yield* this.scalar(e.args[0], ts);
          const v = yield* this.vector(e.args[1], ts);
          checkDuplicates = namesVary(metricsOf(v));
          let cache = this.bucketCaches.get(e);
          if (!cache) this.bucketCaches.set(e, (cache = { buckets: new Map(), metrics: new Map() }));
          out = histogramQuantile(q, v, cache);
          break;
        }
        case 'histogram_count': case 'histogram_sum':
          // Only native histogram samples qualify; the store holds floats only.
          yield* this.vector(e.args[0], ts);
          out = [];
          break;
        case 'histogram_fraction':
          yield* this.scalar(e.args[0], ts);
          yield* this.scalar(e.args[1], ts);
          yield* this.vector(e.args[2], ts);
          out = [];
          break;
        default:
          throw new QueryError(`function ${JSON.stringify(fn)} is not supported`, 'bad_data');
      }
    }
    if (checkDuplicates !== false) assertNoDuplicateLabelsets(out);
    return { type: 'vector', samples: out };
  }

  private wrapFunctionError<T>(f: () => T): T {
    try {
      return f();
    } catch (err) {
      if (err instanceof QueryError) throw err;
      throw new QueryError((err as Error).message, 'execution');
    }
  }

  private *rangeCall(e: Call, ts: number, matrixArg: number): Steps<Value> {
    const scalars: number[] = [];
    for (let i = 0; i < e.args.length; i++) {
      if (i !== matrixArg) scalars.push(yield* this.scalar(e.args[i], ts));
    }
    const arg = unwrapParens(e.args[matrixArg]);
    if (arg.kind === 'matrix' && e.func !== 'absent_over_time' && !this.invariant.has(arg)) return yield* this.selectorRangeCall(e, arg, ts, scalars);
    const rv = yield* this.eval(arg, ts);
    if (rv.type !== 'matrix') throw new QueryError(`expected range vector in call to function ${JSON.stringify(e.func)}, got ${rv.type}`, 'execution');
    if (e.func === 'absent_over_time') {
      return { type: 'vector', samples: rv.series.length > 0 ? [] : [{ metric: absentLabels(arg), value: 1 }] };
    }
    const fn = RANGE_FUNCTIONS[e.func];
    if (!fn) throw new QueryError(`function ${JSON.stringify(e.func)} is not supported`, 'bad_data');
    const keepName = e.func === 'last_over_time';
    const out: Sample[] = [];
    const w: Window = { t: NO_POINTS, v: NO_POINTS, lo: 0, hi: 0, rangeStart: rv.rangeStart, rangeEnd: rv.rangeEnd, rangeMs: rv.rangeMs, evalTs: ts, monotonic: false };
    for (const s of rv.series) {
      if (this.ctx.due()) yield;
      w.t = s.t;
      w.v = s.v;
      w.lo = s.lo;
      w.hi = s.hi;
      const value = this.wrapFunctionError(() => fn(w, scalars));
      if (value === undefined) continue;
      out.push({ metric: keepName ? s.metric : this.dropName(s.metric), value });
    }
    if (!keepName && namesVary(metricsOf(rv.series))) assertNoDuplicateLabelsets(out);
    return { type: 'vector', samples: out };
  }

  /**
   * A range function straight over a selector (rate(x[5m]) and the like, the
   * bulk of all queries): each series' window is found with its cursor and
   * handed to the function at once, with no intermediate range vector.
   */
  private *selectorRangeCall(e: Call, arg: MatrixSelector, ts: number, scalars: number[]): Steps<Value> {
    const fn = RANGE_FUNCTIONS[e.func];
    if (!fn) throw new QueryError(`function ${JSON.stringify(e.func)} is not supported`, 'bad_data');
    const keepName = e.func === 'last_over_time';
    const selected = this.selections.get(arg.selector)!;
    const out: Sample[] = [];
    yield* this.sourceValues({ kind: 'range', arg, fn, keepName, counter: COUNTER_FUNCTIONS.has(e.func) }, ts, scalars, (i, value) => {
      out.push({ metric: keepName ? selected[i].labels : this.dropName(selected[i].labels), value });
    });
    if (!keepName && this.namesVaryIn(arg.selector)) assertNoDuplicateLabelsets(out);
    return { type: 'vector', samples: out };
  }

  /** The aggregation's input when it can be read per series (see SeriesSource), else undefined. */
  private seriesSource(x: Expr): SeriesSource | undefined {
    x = unwrapParens(x);
    if (this.invariant.has(x)) return undefined;
    if (x.kind === 'vector') return x.at ? undefined : { kind: 'vector', sel: x };
    if (x.kind !== 'call' || x.args.length !== 1 || x.func === 'last_over_time') return undefined;
    const fn = RANGE_FUNCTIONS[x.func];
    const arg = unwrapParens(x.args[0]);
    if (!fn || arg.kind !== 'matrix' || arg.selector.at || this.invariant.has(arg)) return undefined;
    // Names that vary need the duplicate check on the function's output: the general path does it.
    if (this.namesVaryIn(arg.selector)) return undefined;
    return { kind: 'range', arg, fn, keepName: false, counter: COUNTER_FUNCTIONS.has(x.func) };
  }

  /** Calls sink(i, value) for every series of the source that has a value at ts, in selection order. */
  private *sourceValues(src: SeriesSource, ts: number, scalars: number[], sink: (i: number, value: number) => void): Steps<void> {
    if (src.kind === 'vector') {
      const selected = this.selections.get(src.sel)!;
      yield* this.eachLatest(src.sel, ts - src.sel.offset, (i, idx) => sink(i, selected[i].v[idx]));
      return;
    }
    const { arg, fn } = src;
    const sel = arg.selector;
    const ref = (sel.at ? this.atTime(sel.at) : ts) - sel.offset;
    const rangeStart = ref - arg.range;
    const selected = this.selections.get(sel)!;
    const cur = this.cursorsFor(arg, selected.length);
    cur.begin(rangeStart, ref);
    const w: Window = { t: NO_POINTS, v: NO_POINTS, lo: 0, hi: 0, rangeStart, rangeEnd: ref, rangeMs: arg.range, evalTs: ts, monotonic: false };
    const monotonic = src.counter ? yield* this.monotonicSeries(sel) : undefined;
    for (let i = 0; i < selected.length; i++) {
      if (this.ctx.due()) yield;
      const s = selected[i];
      const lo = cur.first(i, s.t);
      const hi = cur.after(i, s.t, lo);
      if (hi <= lo) continue;
      w.t = s.t;
      w.v = s.v;
      w.lo = lo;
      w.hi = hi;
      w.monotonic = monotonic !== undefined && monotonic[i] === 1;
      let value: number | undefined;
      try {
        value = fn(w, scalars);
      } catch (err) {
        throw err instanceof QueryError ? err : new QueryError((err as Error).message, 'execution');
      }
      if (value !== undefined) sink(i, value);
    }
  }

  /** sum/avg/min/max/count/group straight over a selector's series: groups once per query, per step only additions. */
  private *fusedAggregate(e: AggregateExpr, src: SeriesSource, ts: number): Steps<Value> {
    let acc = this.accumulators.get(e);
    if (!acc) {
      const sel = src.kind === 'vector' ? src.sel : src.arg.selector;
      const metrics = this.selections.get(sel)!.map((s) => (src.kind === 'vector' ? s.labels : this.dropName(s.labels)));
      this.accumulators.set(e, (acc = new GroupedAccumulator(e.op, e.grouping, e.without, metrics)));
    }
    acc.begin();
    const a = acc;
    yield* this.sourceValues(src, ts, NO_SCALARS, (i, v) => a.add(i, v));
    return { type: 'vector', samples: acc.result() };
  }

  private *aggregate(e: AggregateExpr, ts: number): Steps<Value> {
    if (!e.param && FUSABLE_OPS.has(e.op)) {
      const src = this.seriesSource(e.expr);
      if (src) return yield* this.fusedAggregate(e, src, ts);
    }
    let param: number | string | undefined;
    if (e.param) param = e.op === 'count_values' ? this.stringArg(e.param) : yield* this.scalar(e.param, ts);
    const vec = yield* this.vector(e.expr, ts);
    // Groups are distinct label sets by construction; topk/bottomk keep their (distinct) input labels.
    let keys = this.groupKeys.get(e);
    if (!keys) this.groupKeys.set(e, (keys = new Map()));
    const out = this.wrapFunctionError(() => aggregate(e.op, e.grouping, e.without, param, vec, keys));
    return { type: 'vector', samples: out };
  }

  private *binary(e: BinaryExpr, ts: number): Steps<Value> {
    const l = yield* this.eval(e.lhs, ts);
    const r = yield* this.eval(e.rhs, ts);
    let out: Sample[];
    // Set operators return input samples, never two with one label set; elsewhere labels change.
    let check = true;
    if (l.type === 'scalar' && r.type === 'scalar') return { type: 'scalar', value: scalarBinop(e.op, l.value, r.value) };
    if (l.type === 'vector' && r.type === 'vector') {
      const m = e.matching!;
      if (SET_OPS.has(e.op)) {
        out = e.op === 'and' ? vectorAnd(l.samples, r.samples, m) : e.op === 'or' ? vectorOr(l.samples, r.samples, m) : vectorUnless(l.samples, r.samples, m);
        check = false;
      } else {
        out = vectorBinop(e.op, l.samples, r.samples, m, e.returnBool);
      }
    } else if (l.type === 'vector' && r.type === 'scalar') {
      out = vectorScalarBinop(e.op, l.samples, r.value, false, e.returnBool);
      check = namesVary(metricsOf(l.samples));
    } else if (l.type === 'scalar' && r.type === 'vector') {
      out = vectorScalarBinop(e.op, r.samples, l.value, true, e.returnBool);
      check = namesVary(metricsOf(r.samples));
    } else {
      throw new QueryError(`binary expression must contain only scalar and instant vector types, got ${l.type} and ${r.type}`, 'bad_data');
    }
    if (check) assertNoDuplicateLabelsets(out);
    return { type: 'vector', samples: out };
  }
}
