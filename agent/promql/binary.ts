/**
 * Binary operators: arithmetic, comparisons (filtering or `bool`), set
 * operators, and vector matching (on/ignoring, group_left/group_right with
 * extra labels), with Prometheus 2.42's result labels and error messages.
 */
import type { Labels } from '../store/types';
import { COMPARISON_OPS, type BinaryOp, type VectorMatching } from './ast';
import { goMod, goPow } from './functions/math';
import { dropMetricName, labelsKey, labelsString, matchLabels, signatureFn, sortedLabels } from './labels';
import { QueryError } from './types';
import type { Sample } from './values';

/** Operators whose result no longer measures the input metric, so the name goes. */
const DROPS_NAME: ReadonlySet<BinaryOp> = new Set(['+', '-', '*', '/', '%', '^']);

/** [value, keep]: arithmetic always keeps; comparisons keep the left value when true. */
function elemBinop(op: BinaryOp, l: number, r: number): [number, boolean] {
  switch (op) {
    case '+': return [l + r, true];
    case '-': return [l - r, true];
    case '*': return [l * r, true];
    case '/': return [l / r, true];
    case '%': return [goMod(l, r), true];
    case '^': return [goPow(l, r), true];
    case 'atan2': return [Math.atan2(l, r), true];
    case '==': return [l, l === r];
    case '!=': return [l, l !== r];
    case '>': return [l, l > r];
    case '<': return [l, l < r];
    case '>=': return [l, l >= r];
    case '<=': return [l, l <= r];
    default: throw new QueryError(`operator ${JSON.stringify(op)} not allowed for operations between vector elements`, 'execution');
  }
}

export function scalarBinop(op: BinaryOp, l: number, r: number): number {
  const [v, keep] = elemBinop(op, l, r);
  return COMPARISON_OPS.has(op) ? (keep ? 1 : 0) : v;
}

export function vectorScalarBinop(op: BinaryOp, vec: Sample[], scalar: number, scalarOnLeft: boolean, returnBool: boolean): Sample[] {
  const out: Sample[] = [];
  const isComparison = COMPARISON_OPS.has(op);
  for (const s of vec) {
    const [l, r] = scalarOnLeft ? [scalar, s.value] : [s.value, scalar];
    let [value, keep] = elemBinop(op, l, r);
    // A comparison filters the vector's samples: the result is the vector element, whichever side it was on.
    if (isComparison && scalarOnLeft) value = r;
    if (returnBool) {
      value = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    out.push({ metric: DROPS_NAME.has(op) || returnBool ? dropMetricName(s.metric) : s.metric, value });
  }
  return out;
}

export function vectorAnd(lhs: Sample[], rhs: Sample[], m: VectorMatching): Sample[] {
  if (lhs.length === 0 || rhs.length === 0) return [];
  const sig = signatureFn(m.on, m.labels);
  const right = new Set(rhs.map((s) => sig(s.metric)));
  return lhs.filter((s) => right.has(sig(s.metric)));
}

export function vectorOr(lhs: Sample[], rhs: Sample[], m: VectorMatching): Sample[] {
  if (lhs.length === 0) return rhs.slice();
  if (rhs.length === 0) return lhs.slice();
  const sig = signatureFn(m.on, m.labels);
  const left = new Set(lhs.map((s) => sig(s.metric)));
  return [...lhs, ...rhs.filter((s) => !left.has(sig(s.metric)))];
}

export function vectorUnless(lhs: Sample[], rhs: Sample[], m: VectorMatching): Sample[] {
  if (lhs.length === 0 || rhs.length === 0) return lhs.slice();
  const sig = signatureFn(m.on, m.labels);
  const right = new Set(rhs.map((s) => sig(s.metric)));
  return lhs.filter((s) => !right.has(sig(s.metric)));
}

function resultMetric(lhs: Labels, rhs: Labels, op: BinaryOp, m: VectorMatching): Labels {
  const out: Labels = { ...lhs };
  if (DROPS_NAME.has(op)) delete out.__name__;
  if (m.card === 'one-to-one') {
    if (m.on) {
      for (const n of Object.keys(out)) if (!m.labels.includes(n)) delete out[n];
    } else {
      for (const n of m.labels) delete out[n];
    }
  }
  // group_x(extra labels) are copied from the "one" side.
  for (const n of m.include) {
    const v = rhs[n];
    if (v !== undefined && v !== '') out[n] = v;
    else delete out[n];
  }
  return m.include.length > 0 ? sortedLabels(out) : out;
}

/** Arithmetic/comparison between two instant vectors with vector matching. */
export function vectorBinop(op: BinaryOp, lhsIn: Sample[], rhsIn: Sample[], m: VectorMatching, returnBool: boolean): Sample[] {
  if (lhsIn.length === 0 || rhsIn.length === 0) return [];
  const sig = signatureFn(m.on, m.labels);
  // For one-to-many the right side is the "many" side: swap, and swap back when computing values.
  const swapped = m.card === 'one-to-many';
  const [lhs, rhs] = swapped ? [rhsIn, lhsIn] : [lhsIn, rhsIn];

  const rightSigs = new Map<string, Sample>();
  for (const rs of rhs) {
    const key = sig(rs.metric);
    const dupl = rightSigs.get(key);
    if (dupl) {
      const oneSide = swapped ? 'left' : 'right';
      throw new QueryError(
        `found duplicate series for the match group ${labelsString(matchLabels(rs.metric, m.on, m.labels))} on the ${oneSide} hand-side of the operation: ` +
          `[${labelsString(rs.metric)}, ${labelsString(dupl.metric)}];many-to-many matching not allowed: matching labels must be unique on one side`,
        'execution',
      );
    }
    rightSigs.set(key, rs);
  }

  const matched = new Map<string, Set<string> | null>();
  const out: Sample[] = [];
  for (const ls of lhs) {
    const key = sig(ls.metric);
    const rs = rightSigs.get(key);
    if (!rs) continue;
    const [vl, vr] = swapped ? [rs.value, ls.value] : [ls.value, rs.value];
    let [value, keep] = elemBinop(op, vl, vr);
    if (returnBool) value = keep ? 1 : 0;
    else if (!keep) continue;
    let metric = resultMetric(ls.metric, rs.metric, op, m);
    if (returnBool) metric = dropMetricName(metric);
    const seen = matched.get(key);
    if (m.card === 'one-to-one') {
      if (seen !== undefined) {
        throw new QueryError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)', 'execution');
      }
      matched.set(key, null);
    } else {
      const resultKey = labelsKey(metric);
      if (!seen) matched.set(key, new Set([resultKey]));
      else if (seen.has(resultKey)) {
        throw new QueryError('multiple matches for labels: grouping labels must ensure unique matches', 'execution');
      } else seen.add(resultKey);
    }
    out.push({ metric, value });
  }
  return out;
}
