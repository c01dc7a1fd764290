/**
 * Signatures of the PromQL functions Prometheus 2.42 knows: argument types,
 * optional/variadic arguments, result type. The parser checks calls against
 * them; functions/ implements them.
 */
import type { ValueType } from './ast';

export interface FunctionDef {
  name: string;
  argTypes: ValueType[];
  /** 0: exactly argTypes; 1: the last argument is optional; -1: the last may repeat. */
  variadic: number;
  returnType: ValueType;
}

const V: ValueType = 'vector';
const M: ValueType = 'matrix';
const S: ValueType = 'scalar';
const STR: ValueType = 'string';

function def(name: string, argTypes: ValueType[], returnType: ValueType, variadic = 0): FunctionDef {
  return { name, argTypes, returnType, variadic };
}

const DEFS: FunctionDef[] = [
  ...['abs', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'ceil', 'cos', 'cosh', 'deg', 'exp', 'floor', 'ln',
    'log10', 'log2', 'rad', 'sgn', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'absent', 'sort', 'sort_desc', 'timestamp',
    'histogram_count', 'histogram_sum'].map((n) => def(n, [V], V)),
  ...['absent_over_time', 'avg_over_time', 'changes', 'count_over_time', 'delta', 'deriv', 'idelta', 'increase', 'irate',
    'last_over_time', 'max_over_time', 'min_over_time', 'present_over_time', 'rate', 'resets', 'stddev_over_time',
    'stdvar_over_time', 'sum_over_time'].map((n) => def(n, [M], V)),
  ...['days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'hour', 'minute', 'month', 'year'].map((n) => def(n, [V], V, 1)),
  def('clamp', [V, S, S], V),
  def('clamp_max', [V, S], V),
  def('clamp_min', [V, S], V),
  def('histogram_fraction', [S, S, V], V),
  def('histogram_quantile', [S, V], V),
  def('holt_winters', [M, S, S], V),
  def('label_replace', [V, STR, STR, STR, STR], V),
  def('label_join', [V, STR, STR, STR], V, -1),
  def('pi', [], S),
  def('predict_linear', [M, S], V),
  def('quantile_over_time', [S, M], V),
  def('round', [V, S], V, 1),
  def('scalar', [V], S),
  def('time', [], S),
  def('vector', [S], V),
];

export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(DEFS.map((d) => [d.name, d]));

/**
 * Functions whose result depends on the evaluation time even when their
 * arguments do not (Prometheus' AtModifierUnsafeFunctions): an expression
 * using them is never treated as step-invariant.
 */
export const TIME_DEPENDENT_FUNCTIONS: ReadonlySet<string> = new Set([
  'days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'hour', 'minute', 'month', 'year',
  'predict_linear', 'time', 'timestamp',
]);
