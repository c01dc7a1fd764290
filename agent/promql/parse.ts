/**
 * PromQL text -> checked AST. The grammar is the Prometheus project's own
 * lezer grammar (@prometheus-io/lezer-promql); this file only walks its tree,
 * applies the semantic checks Prometheus 2.42's parser makes (types,
 * argument counts, modifier placement, matcher rules) and rejects syntax
 * newer than 2.42 with a message naming it.
 */
import type { LRParser } from '@lezer/lr' with { 'resolution-mode': 'require' };
import type { SyntaxNode } from '@lezer/common' with { 'resolution-mode': 'require' };
import { parseDuration } from '../config/duration';
import type { LabelMatcher, MatchType } from '../store/types';
import { anchoredRegex } from '../store/regex';
import { matcherPredicate } from '../store/matchers';
import {
  COMPARISON_OPS, DOCUMENTED_TYPE, SET_OPS,
  type AggregateOp, type AtModifier, type BinaryOp, type Expr, type MatrixSelector, type SubqueryExpr,
  type ValueType, type VectorMatching, type VectorSelector,
} from './ast';
import { FUNCTIONS } from './function-defs';
import { parseNumberLiteral, unquote } from './strings';
import { QueryError } from './types';

// The package ships a CommonJS build, but its typings are ESM-only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: LRParser };

const EXPR_NODES = new Set([
  'AggregateExpr', 'BinaryExpr', 'FunctionCall', 'MatrixSelector', 'NumberDurationLiteral', 'OffsetExpr',
  'AnchoredExpr', 'SmoothedExpr', 'ParenExpr', 'StringLiteral', 'SubqueryExpr', 'UnaryExpr', 'VectorSelector',
  'StepInvariantExpr',
]);

const BINARY_OPS: Record<string, BinaryOp> = {
  Pow: '^', Mul: '*', Div: '/', Mod: '%', Atan2: 'atan2', Add: '+', Sub: '-', Eql: '==', Neq: '!=', Gtr: '>',
  Lss: '<', Gte: '>=', Lte: '<=', And: 'and', Or: 'or', Unless: 'unless',
};

const MATCH_OPS: Record<string, MatchType> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

const AGGREGATE_OPS = new Set<AggregateOp>([
  'sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
]);
const AGGREGATES_WITH_PARAM = new Set<AggregateOp>(['topk', 'bottomk', 'quantile', 'count_values']);

class ParseError extends Error {
  constructor(readonly pos: number, message: string) {
    super(message);
  }
}

function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = 1 + (before.match(/\n/g)?.length ?? 0);
  return `${line}:${offset - (before.lastIndexOf('\n') + 1) + 1}`;
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

function fail(node: SyntaxNode | number, message: string): never {
  throw new ParseError(typeof node === 'number' ? node : node.from, message);
}

/** Prometheus' wording for the first syntax error in the tree, if any. */
function syntaxError(text: string, tree: ReturnType<LRParser['parse']>): ParseError | undefined {
  let err: { from: number; to: number } | undefined;
  tree.iterate({
    enter: (n) => {
      if (!err && n.type.isError) err = { from: n.from, to: n.to };
      return !err;
    },
  });
  if (!err) return undefined;
  const before = /([a-zA-Z_][\w]*)\s*$/.exec(text.slice(0, err.from));
  if (before && text[err.from] === '(') {
    return new ParseError(err.from - before[0].length, `unknown function with name ${JSON.stringify(before[1])}`);
  }
  if (err.from >= text.trimEnd().length) return new ParseError(err.from, 'unexpected end of input');
  let token = text.slice(err.from, Math.max(err.to, err.from + 1)).trim();
  if (!token) token = text.slice(err.from).trim().split(/\s+/)[0] ?? '';
  if (/^[a-zA-Z_:][\w:]*$/.test(token)) return new ParseError(err.from, `unexpected identifier ${JSON.stringify(token)}`);
  if (/^[0-9]/.test(token)) return new ParseError(err.from, `unexpected number ${JSON.stringify(token)}`);
  return new ParseError(err.from, `unexpected character ${JSON.stringify(token)}`);
}

/**
 * The lezer grammar attaches postfix modifiers (offset, @, [range],
 * [range:step]) to the whole expression on their left, while Prometheus' own
 * grammar gives them the highest precedence: `a - b offset 5m` is
 * `a - (b offset 5m)`, `-a[5m]` is `-(a[5m])`. This re-applies a postfix
 * modifier to the rightmost operand of binary and unary expressions.
 */
function applyPostfix(e: Expr, apply: (operand: Expr) => Expr): Expr {
  if (e.kind === 'binary') return { ...e, rhs: applyPostfix(e.rhs, apply) };
  if (e.kind === 'unary') return { ...e, expr: applyPostfix(e.expr, apply) };
  return apply(e);
}

/** A function PromQL 2.42 has but the newer lezer grammar renamed (holt_winters -> double_exponential_smoothing). */
const RENAMED_FUNCTIONS: Record<string, string> = { holt_winters: 'double_exponential_smoothing' };

interface Rewrite { text: string; renamedAt: Map<number, string>; toOriginal: (pos: number) => number }

/**
 * A number as Prometheus 2.42's lexer scans it (scanNumber: optional 0x
 * prefix, digits, optional `.` and digits, optional exponent), written the
 * way the lezer grammar accepts: `2.` -> `2.0`, `0X1F` -> `0x1F`; undefined
 * when nothing needs rewriting.
 */
function lezerNumber(token: string): string | undefined {
  if (/^0X/.test(token)) return '0x' + token.slice(2);
  const m = /^([0-9]*)\.(?![0-9])(.*)$/.exec(token);
  if (m && m[1] !== '') return `${m[1]}.0${m[2]}`;
  return undefined;
}

/** The number token at the start of s, with Prometheus' scanNumber rules. */
const NUMBER_TOKEN = /^(?:0[xX][0-9a-fA-F]+|[0-9]*\.?[0-9]*(?:[eE][+-]?[0-9]+)?)/;

/**
 * Replaces calls of renamed functions (outside strings and comments) with
 * the name the grammar knows, and number literals Prometheus accepts but the
 * grammar does not (`2.`, `1./6.`, `0X1F`) with equivalent ones.
 */
function rewriteRenamed(text: string): Rewrite {
  const renamedAt = new Map<number, string>();
  const shifts: { at: number; delta: number }[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== ch && text[j] !== '\n') j += text[j] === '\\' && ch !== '`' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === '#') {
      const j = text.indexOf('\n', i);
      const end = j < 0 ? text.length : j;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if (/[0-9.]/.test(ch)) {
      const tok = NUMBER_TOKEN.exec(text.slice(i))![0];
      if (tok !== '' && tok !== '.') {
        const fixed = lezerNumber(tok);
        if (fixed !== undefined && fixed.length !== tok.length) shifts.push({ at: out.length, delta: fixed.length - tok.length });
        out += fixed ?? tok;
        i += tok.length;
        continue;
      }
    }
    const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(text.slice(i));
    if (m) {
      const name = m[0];
      const renamed = RENAMED_FUNCTIONS[name];
      if (renamed && /^\s*\(/.test(text.slice(i + name.length))) {
        renamedAt.set(out.length, name);
        shifts.push({ at: out.length, delta: renamed.length - name.length });
        out += renamed;
      } else {
        out += name;
      }
      i += name.length;
      continue;
    }
    out += ch;
    i++;
  }
  const toOriginal = (pos: number): number => {
    let p = pos;
    for (const s of shifts) if (s.at < pos) p -= Math.min(s.delta, pos - s.at);
    return p;
  };
  return { text: out, renamedAt, toOriginal };
}

class Converter {
  constructor(private readonly text: string, private readonly renamedAt: Map<number, string> = new Map()) {}

  private src(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  expr(node: SyntaxNode): Expr {
    switch (node.name) {
      case 'ParenExpr': return { kind: 'paren', expr: this.expr(this.onlyExpr(node)), pos: node.from };
      case 'NumberDurationLiteral': return { kind: 'number', value: this.number(node), pos: node.from };
      case 'StringLiteral': return { kind: 'string', value: this.string(node), pos: node.from };
      case 'VectorSelector': return this.vectorSelector(node);
      case 'MatrixSelector': return this.matrixSelector(node);
      case 'SubqueryExpr': return this.subquery(node);
      case 'OffsetExpr': return this.offset(node);
      case 'StepInvariantExpr': return this.at(node);
      case 'FunctionCall': return this.call(node);
      case 'AggregateExpr': return this.aggregate(node);
      case 'BinaryExpr': return this.binary(node);
      case 'UnaryExpr': {
        const [op, operand] = children(node);
        return { kind: 'unary', op: this.src(op) === '-' ? '-' : '+', expr: this.expr(operand), pos: node.from };
      }
      case 'AnchoredExpr': return fail(node, 'the "anchored" range modifier is not supported (Prometheus 2.42 PromQL)');
      case 'SmoothedExpr': return fail(node, 'the "smoothed" range modifier is not supported (Prometheus 2.42 PromQL)');
      default: return fail(node, `unsupported expression ${JSON.stringify(this.src(node))}`);
    }
  }

  private onlyExpr(node: SyntaxNode): SyntaxNode {
    const e = children(node).find((c) => EXPR_NODES.has(c.name));
    if (!e) fail(node, `expected an expression in ${JSON.stringify(this.src(node))}`);
    return e;
  }

  private number(node: SyntaxNode): number {
    const text = this.src(node).replace(/\s+/g, '');
    const v = parseNumberLiteral(text);
    if (v === undefined) {
      if (/[a-z]$/i.test(text)) fail(node, `unexpected duration ${JSON.stringify(text.replace(/^[+-]/, ''))}`);
      fail(node, `error parsing number: ${JSON.stringify(text)}`);
    }
    return v;
  }

  private string(node: SyntaxNode): string {
    const text = this.src(node);
    try {
      return unquote(text);
    } catch (err) {
      return fail(node, `error unquoting string ${JSON.stringify(text)}: ${(err as Error).message}`);
    }
  }

  private duration(node: SyntaxNode, what: string): number {
    const parts = children(node);
    if (node.name === 'NumberDurationLiteralInDurationContext') return this.durationText(node, what);
    if (parts.length === 1 && parts[0].name === 'NumberDurationLiteralInDurationContext') return this.durationText(parts[0], what);
    return fail(node, `${what}: duration arithmetic and step()/range()/min_of()/max_of() are not supported (Prometheus 2.42 PromQL); use a plain duration such as 5m`);
  }

  private durationText(node: SyntaxNode, what: string): number {
    const text = this.src(node);
    if (!/^([0-9]+(ms|[smhdwy]))+$/.test(text)) fail(node, `${what}: bad duration syntax: ${JSON.stringify(text)} (use e.g. 5m, 1h30m)`);
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch (err) {
      return fail(node, (err as Error).message);
    }
    if (ms === 0) fail(node, 'duration must be greater than 0');
    return ms;
  }

  private vectorSelector(node: SyntaxNode): VectorSelector {
    let name: string | undefined;
    const matchers: LabelMatcher[] = [];
    for (const c of children(node)) {
      if (c.name === 'Identifier') name = this.src(c);
      else if (c.name === 'LabelMatchers') {
        for (const m of children(c)) {
          if (m.name === 'UnquotedLabelMatcher') matchers.push(this.matcher(m));
          else if (m.name === 'QuotedLabelMatcher' || m.name === 'QuotedLabelName') {
            fail(m, 'quoted label names (UTF-8 names) are not supported (Prometheus 2.42 PromQL)');
          }
        }
      } else if (!c.type.isError) {
        // Keywords such as "sum" or "on" used as metric names arrive as their own token types.
        name = this.src(c);
      }
    }
    if (name !== undefined) {
      for (const m of matchers) {
        if (m.name === '__name__') fail(node, `metric name must not be set twice: ${JSON.stringify(name)} or ${JSON.stringify(m.value)}`);
      }
      matchers.push({ name: '__name__', type: '=', value: name });
    } else if (!matchers.some((m) => !matcherPredicate(m)(''))) {
      fail(node, 'vector selector must contain at least one non-empty matcher');
    }
    return { kind: 'vector', name, matchers, offset: 0, pos: node.from };
  }

  private matcher(node: SyntaxNode): LabelMatcher {
    const [nameNode, opNode, valueNode] = children(node);
    const op = MATCH_OPS[opNode.firstChild?.name ?? ''];
    if (!op) fail(opNode, `unexpected label matching operator ${JSON.stringify(this.src(opNode))}`);
    const m: LabelMatcher = { name: this.src(nameNode), type: op, value: this.string(valueNode) };
    if (op === '=~' || op === '!~') {
      try {
        anchoredRegex(m.value);
      } catch (err) {
        fail(valueNode, (err as Error).message);
      }
    }
    return m;
  }

  private matrixSelector(node: SyntaxNode): Expr {
    const [inner, dur] = children(node);
    const range = this.duration(dur, 'range');
    return applyPostfix(this.expr(inner), (e): MatrixSelector => {
      if (e.kind !== 'vector') fail(node, 'ranges only allowed for vector selectors');
      if (e.offset !== 0) fail(node, 'no offset modifiers allowed before range');
      if (e.at) fail(node, 'no @ modifiers allowed before range');
      return { kind: 'matrix', selector: e, range, pos: e.pos };
    });
  }

  private subquery(node: SyntaxNode): Expr {
    const parts = children(node);
    const durations = parts.filter((p) => p.name === 'DurationExpr');
    const range = this.duration(durations[0], 'subquery range');
    const step = durations[1] ? this.duration(durations[1], 'subquery step') : 0;
    return applyPostfix(this.expr(parts[0]), (e): SubqueryExpr => ({ kind: 'subquery', expr: e, range, step, offset: 0, pos: e.pos }));
  }

  /** The selector or subquery a modifier applies to (Prometheus allows nothing else). */
  private modifierTarget(node: SyntaxNode, target: Expr, modifier: string): VectorSelector | SubqueryExpr {
    if (target.kind === 'vector' || target.kind === 'subquery') return target;
    if (target.kind === 'matrix') return target.selector;
    return fail(node, `${modifier} modifier must be preceded by an instant vector selector or range vector selector or a subquery`);
  }

  private offset(node: SyntaxNode): Expr {
    const parts = children(node);
    const target = this.expr(parts[0]);
    let durNode = parts[2];
    let sign = 1;
    while (durNode && durNode.name === 'OffsetDurationExpr' && durNode.firstChild?.name === 'UnaryOp') {
      if (this.src(durNode.firstChild) === '-') sign = -sign;
      durNode = durNode.firstChild.nextSibling!;
    }
    const ms = sign * this.duration(durNode, 'offset');
    return applyPostfix(target, (e) => {
      const sel = this.modifierTarget(node, e, 'offset');
      if (sel.offset !== 0) fail(node, 'offset may not be set multiple times');
      sel.offset = ms;
      return e;
    });
  }

  private at(node: SyntaxNode): Expr {
    const parts = children(node);
    const target = this.expr(parts[0]);
    const arg = parts[2];
    let at: AtModifier;
    if (arg?.name === 'AtModifierPreprocessors') {
      at = { kind: arg.firstChild?.name === 'AtStart' ? 'start' : 'end' };
    } else {
      const secs = this.number(arg);
      if (!Number.isFinite(secs) || Math.abs(secs) >= 9.223372036854775807e18) {
        fail(node, `timestamp out of bounds for @ modifier: ${secs}`);
      }
      at = { kind: 'time', t: Math.round(secs * 1000) };
    }
    return applyPostfix(target, (e) => {
      const sel = this.modifierTarget(node, e, '@');
      if (sel.at) fail(node, '@ <timestamp> may not be set multiple times');
      sel.at = at;
      return e;
    });
  }

  private callArgs(body: SyntaxNode): Expr[] {
    return children(body).filter((c) => EXPR_NODES.has(c.name)).map((c) => this.expr(c));
  }

  private call(node: SyntaxNode): Expr {
    const [ident, body] = children(node);
    const name = this.renamedAt.get(ident.from) ?? this.src(ident);
    if (!FUNCTIONS.has(name)) fail(node, `unknown function with name ${JSON.stringify(name)}`);
    return { kind: 'call', func: name, args: this.callArgs(body), pos: node.from };
  }

  private grouping(node: SyntaxNode): string[] {
    const out: string[] = [];
    for (const c of children(node)) {
      if (c.name === 'LabelName') out.push(this.src(c));
      else if (c.name === 'QuotedLabelName') fail(c, 'quoted label names (UTF-8 names) are not supported (Prometheus 2.42 PromQL)');
    }
    return out;
  }

  private aggregate(node: SyntaxNode): Expr {
    let op: AggregateOp | undefined;
    let grouping: string[] = [];
    let without = false;
    let args: Expr[] = [];
    for (const c of children(node)) {
      if (c.name === 'AggregateOp') {
        // Prometheus' lexer looks keywords up in lower case: `SUM`, `Count` are aggregations too.
        const text = this.src(c).toLowerCase();
        if (!AGGREGATE_OPS.has(text as AggregateOp)) fail(c, `unsupported aggregation ${JSON.stringify(this.src(c))} (not in Prometheus 2.42 PromQL)`);
        op = text as AggregateOp;
      } else if (c.name === 'AggregateModifier') {
        without = c.firstChild?.name === 'Without';
        const labels = children(c).find((x) => x.name === 'GroupingLabels');
        grouping = labels ? this.grouping(labels) : [];
      } else if (c.name === 'FunctionCallBody') args = this.callArgs(c);
    }
    if (!op) fail(node, 'aggregation operator expected');
    const want = AGGREGATES_WITH_PARAM.has(op) ? 2 : 1;
    if (args.length !== want) {
      fail(node, `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`);
    }
    return {
      kind: 'aggregate', op, grouping, without, pos: node.from,
      param: want === 2 ? args[0] : undefined,
      expr: args[want - 1],
    };
  }

  private binary(node: SyntaxNode): Expr {
    const parts = children(node);
    const lhs = this.expr(parts[0]);
    const rhs = this.expr(parts[parts.length - 1]);
    let op: BinaryOp | undefined;
    let returnBool = false;
    let matching: VectorMatching | undefined;
    for (const c of parts.slice(1, -1)) {
      if (c.name in BINARY_OPS) op = BINARY_OPS[c.name];
      else if (c.name === 'TrimUpper' || c.name === 'TrimLower') fail(c, `the ${this.src(c)} operator is not supported (Prometheus 2.42 PromQL)`);
      else if (c.name === 'BoolModifier') returnBool = true;
      else if (c.name === 'FillModifier') fail(c, 'fill()/fill_left()/fill_right() modifiers are not supported (Prometheus 2.42 PromQL)');
      else if (c.name === 'MatchingModifierClause') matching = this.matchingClause(c);
    }
    if (!op) fail(node, `unexpected binary operator in ${JSON.stringify(this.src(node))}`);
    // The grammar reads "-2 ^ 2" as the literal -2 raised to 2; in PromQL unary minus binds looser than ^.
    if (op === '^' && lhs.kind === 'number' && /^[-+]/.test(this.src(parts[0]))) {
      const sign = this.src(parts[0])[0] as '-' | '+';
      const abs: Expr = { kind: 'number', value: Math.abs(lhs.value), pos: lhs.pos };
      const pow: Expr = { kind: 'binary', op, lhs: abs, rhs, returnBool, pos: node.from, matching: { card: 'one-to-one', on: false, labels: [], include: [] } };
      return { kind: 'unary', op: sign, expr: pow, pos: node.from };
    }
    return {
      kind: 'binary', op, lhs, rhs, returnBool, pos: node.from,
      matching: matching ?? { card: 'one-to-one', on: false, labels: [], include: [] },
    };
  }

  private matchingClause(node: SyntaxNode): VectorMatching {
    const m: VectorMatching = { card: 'one-to-one', on: false, labels: [], include: [] };
    let seenGroup = false;
    for (const c of children(node)) {
      if (c.name === 'On') m.on = true;
      else if (c.name === 'Ignoring') m.on = false;
      else if (c.name === 'GroupLeft') { m.card = 'many-to-one'; seenGroup = true; }
      else if (c.name === 'GroupRight') { m.card = 'one-to-many'; seenGroup = true; }
      else if (c.name === 'GroupingLabels') {
        if (seenGroup) m.include = this.grouping(c);
        else m.labels = this.grouping(c);
      }
    }
    return m;
  }
}

function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number': return 'scalar';
    case 'string': return 'string';
    case 'vector': return 'vector';
    case 'matrix': case 'subquery': return 'matrix';
    case 'call': return FUNCTIONS.get(e.func)!.returnType;
    case 'aggregate': return 'vector';
    case 'binary': return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'unary': case 'paren': return typeOf(e.expr);
  }
}

function expectType(e: Expr, want: ValueType, context: string): void {
  check(e);
  const got = typeOf(e);
  if (got !== want) fail(e.pos, `expected type ${DOCUMENTED_TYPE[want]} in ${context}, got ${DOCUMENTED_TYPE[got]}`);
}

/** Prometheus' checkAST: operand types, argument counts, matching rules. */
function check(e: Expr): void {
  switch (e.kind) {
    case 'aggregate':
      expectType(e.expr, 'vector', 'aggregation expression');
      if (e.op === 'topk' || e.op === 'bottomk' || e.op === 'quantile') expectType(e.param!, 'scalar', 'aggregation parameter');
      if (e.op === 'count_values') expectType(e.param!, 'string', 'aggregation parameter');
      return;
    case 'binary': {
      check(e.lhs);
      check(e.rhs);
      const lt = typeOf(e.lhs);
      const rt = typeOf(e.rhs);
      const m = e.matching!;
      if (e.returnBool && !COMPARISON_OPS.has(e.op)) fail(e.pos, 'bool modifier can only be used on comparison operators');
      if (COMPARISON_OPS.has(e.op) && !e.returnBool && lt === 'scalar' && rt === 'scalar') {
        fail(e.pos, 'comparisons between scalars must use BOOL modifier');
      }
      const isSet = SET_OPS.has(e.op);
      if (isSet && m.card === 'one-to-one') m.card = 'many-to-many';
      if (m.on) for (const l of m.labels) if (m.include.includes(l)) fail(e.pos, `label ${JSON.stringify(l)} must not occur in ON and GROUP clause at once`);
      if (lt !== 'scalar' && lt !== 'vector') fail(e.lhs.pos, 'binary expression must contain only scalar and instant vector types');
      if (rt !== 'scalar' && rt !== 'vector') fail(e.rhs.pos, 'binary expression must contain only scalar and instant vector types');
      if (lt !== 'vector' || rt !== 'vector') {
        if (m.labels.length > 0) fail(e.pos, 'vector matching only allowed between instant vectors');
        e.matching = undefined;
      } else if (isSet) {
        if (m.card === 'one-to-many' || m.card === 'many-to-one') fail(e.pos, `no grouping allowed for ${JSON.stringify(e.op)} operation`);
      }
      if ((lt === 'scalar' || rt === 'scalar') && isSet) fail(e.pos, `set operator ${JSON.stringify(e.op)} not allowed in binary scalar expression`);
      return;
    }
    case 'call': {
      const def = FUNCTIONS.get(e.func)!;
      const nargs = def.argTypes.length;
      if (def.variadic === 0) {
        if (nargs !== e.args.length) fail(e.pos, `expected ${nargs} argument(s) in call to ${JSON.stringify(e.func)}, got ${e.args.length}`);
      } else {
        const na = nargs - 1;
        if (na > e.args.length) fail(e.pos, `expected at least ${na} argument(s) in call to ${JSON.stringify(e.func)}, got ${e.args.length}`);
        if (def.variadic > 0 && na + def.variadic < e.args.length) {
          fail(e.pos, `expected at most ${na + def.variadic} argument(s) in call to ${JSON.stringify(e.func)}, got ${e.args.length}`);
        }
      }
      e.args.forEach((a, i) => {
        const t = def.argTypes[Math.min(i, nargs - 1)];
        expectType(a, t, `call to function ${JSON.stringify(e.func)}`);
      });
      return;
    }
    case 'paren': check(e.expr); return;
    case 'unary': {
      check(e.expr);
      const t = typeOf(e.expr);
      if (t !== 'scalar' && t !== 'vector') {
        fail(e.pos, `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(DOCUMENTED_TYPE[t])}`);
      }
      return;
    }
    case 'subquery': {
      check(e.expr);
      const t = typeOf(e.expr);
      if (t !== 'vector') fail(e.pos, `subquery is only allowed on instant vector, got ${DOCUMENTED_TYPE[t]} instead`);
      return;
    }
    default: return;
  }
}

/** The value type an expression evaluates to. */
export { typeOf };

/** Parses and checks a PromQL expression; throws QueryError (bad_data) with Prometheus' "line:col: parse error: ..." text. */
export function parseExpr(text: string): Expr {
  if (text.trim() === '') throw new QueryError('1:1: parse error: no expression found in input', 'bad_data');
  const rw = rewriteRenamed(text);
  try {
    const tree = parser.parse(rw.text);
    const syntax = syntaxError(rw.text, tree);
    if (syntax) throw syntax;
    const top = tree.topNode.firstChild;
    if (!top) throw new ParseError(0, 'no expression found in input');
    const expr = new Converter(rw.text, rw.renamedAt).expr(top);
    check(expr);
    return expr;
  } catch (err) {
    if (err instanceof ParseError) throw new QueryError(`${position(text, rw.toOriginal(err.pos))}: parse error: ${err.message}`, 'bad_data');
    throw err;
  }
}

