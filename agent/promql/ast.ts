/**
 * The PromQL syntax tree the engine evaluates, built from the lezer parse
 * tree by parse.ts. Offsets and @ modifiers live on the selector/subquery
 * they apply to, as in Prometheus' own AST.
 */
import type { LabelMatcher } from '../store/types';

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** Prometheus' documented names of the value types, used in error messages. */
export const DOCUMENTED_TYPE: Record<ValueType, string> = {
  scalar: 'scalar',
  vector: 'instant vector',
  matrix: 'range vector',
  string: 'string',
};

/** The time an @ modifier pins evaluation to: a literal (ms) or the query's start()/end(). */
export type AtModifier = { kind: 'time'; t: number } | { kind: 'start' } | { kind: 'end' };

export interface NumberLiteral { kind: 'number'; value: number; pos: number }
export interface StringLiteral { kind: 'string'; value: string; pos: number }

export interface VectorSelector {
  kind: 'vector';
  name?: string;
  matchers: LabelMatcher[];
  /** ms; positive looks back in time. */
  offset: number;
  at?: AtModifier;
  pos: number;
}

export interface MatrixSelector { kind: 'matrix'; selector: VectorSelector; range: number; pos: number }

export interface SubqueryExpr {
  kind: 'subquery';
  expr: Expr;
  range: number;
  /** 0: the engine's default subquery step. */
  step: number;
  offset: number;
  at?: AtModifier;
  pos: number;
}

export interface Call { kind: 'call'; func: string; args: Expr[]; pos: number }

export type AggregateOp =
  | 'sum' | 'avg' | 'min' | 'max' | 'count' | 'stddev' | 'stdvar' | 'topk' | 'bottomk' | 'quantile' | 'count_values' | 'group';

export interface AggregateExpr {
  kind: 'aggregate';
  op: AggregateOp;
  expr: Expr;
  param?: Expr;
  grouping: string[];
  without: boolean;
  pos: number;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export type Cardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

export interface VectorMatching {
  card: Cardinality;
  /** true: match on `labels` only; false: ignore `labels` (and the metric name). */
  on: boolean;
  labels: string[];
  /** group_left/group_right extra labels copied from the "one" side. */
  include: string[];
}

export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  /** Present only when both sides are instant vectors. */
  matching?: VectorMatching;
  pos: number;
}

export interface UnaryExpr { kind: 'unary'; op: '+' | '-'; expr: Expr; pos: number }
export interface ParenExpr { kind: 'paren'; expr: Expr; pos: number }

export type Expr =
  | NumberLiteral | StringLiteral | VectorSelector | MatrixSelector | SubqueryExpr
  | Call | AggregateExpr | BinaryExpr | UnaryExpr | ParenExpr;

export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set(['==', '!=', '>', '<', '>=', '<=']);
export const SET_OPS: ReadonlySet<BinaryOp> = new Set(['and', 'or', 'unless']);
