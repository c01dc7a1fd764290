/**
 * Puts Prometheus' HTTP API answers and Lookout's QueryValues into one shape
 * and compares them: labels exactly, timestamps to the millisecond, values
 * with a relative tolerance of 1e-9 (NaN equals NaN), order only where
 * PromQL defines it (sort, sort_desc, topk, bottomk).
 */
import type { Labels } from '../../../agent/store/types';
import { pointsOf, QueryError, type QueryValue } from '../../../agent/promql/types';
import type { PromApiResult } from './prometheus-server';

export interface NormSeries { metric: Labels; points: [number, number][] }
export type Normalized =
  | { kind: 'error'; errorType: string; message: string }
  | { kind: 'vector' | 'matrix'; series: NormSeries[] }
  | { kind: 'scalar'; point: [number, number] }
  | { kind: 'string'; t: number; value: string };

function parseValue(s: string): number {
  if (s === 'NaN') return NaN;
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

const toMs = (secs: number): number => Math.round(secs * 1000);

export function normalizeProm(r: PromApiResult): Normalized {
  if (r.status === 'error') return { kind: 'error', errorType: r.errorType, message: r.error };
  const { resultType, result } = r.data;
  switch (resultType) {
    case 'vector':
      return { kind: 'vector', series: (result as { metric: Labels; value: [number, string] }[]).map((s) => ({ metric: s.metric, points: [[toMs(s.value[0]), parseValue(s.value[1])]] })) };
    case 'matrix':
      return { kind: 'matrix', series: (result as { metric: Labels; values: [number, string][] }[]).map((s) => ({ metric: s.metric, points: s.values.map(([t, v]) => [toMs(t), parseValue(v)] as [number, number]) })) };
    case 'scalar': {
      const [t, v] = result as [number, string];
      return { kind: 'scalar', point: [toMs(t), parseValue(v)] };
    }
    case 'string': {
      const [t, v] = result as [number, string];
      return { kind: 'string', t: toMs(t), value: v };
    }
    default: throw new Error(`unexpected resultType ${resultType}`);
  }
}

/** Lookout's answer (run may be the async, cooperative engine call) in the comparable form. */
export async function normalizeLookout(run: () => QueryValue | Promise<QueryValue>): Promise<Normalized> {
  let v: QueryValue;
  try {
    v = await run();
  } catch (err) {
    if (err instanceof QueryError) return { kind: 'error', errorType: err.errorType, message: err.message };
    throw err;
  }
  switch (v.resultType) {
    case 'vector': return { kind: 'vector', series: v.result.map((s) => ({ metric: s.metric, points: [[s.t, s.value]] })) };
    case 'matrix': return { kind: 'matrix', series: v.result.map((s) => ({ metric: s.metric, points: pointsOf(s).map((p) => [p.t, p.value] as [number, number]) })) };
    case 'scalar': return { kind: 'scalar', point: [v.result.t, v.result.value] };
    case 'string': return { kind: 'string', t: v.result.t, value: v.result.value };
  }
}

export function floatsEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  const diff = Math.abs(a - b);
  return diff <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) || diff < 1e-12;
}

function labelsText(l: Labels): string {
  return '{' + Object.keys(l).sort().map((n) => `${n}=${JSON.stringify(l[n])}`).join(', ') + '}';
}

function pointsDiff(a: [number, number][], b: [number, number][]): string | undefined {
  if (a.length !== b.length) return `${a.length} points vs ${b.length}: ${JSON.stringify(a.slice(0, 5))}... vs ${JSON.stringify(b.slice(0, 5))}...`;
  for (let i = 0; i < a.length; i++) {
    if (a[i][0] !== b[i][0]) return `point ${i}: time ${a[i][0]} vs ${b[i][0]}`;
    if (!floatsEqual(a[i][1], b[i][1])) return `point ${i} at ${a[i][0]}: value ${a[i][1]} vs ${b[i][1]}`;
  }
  return undefined;
}

/** Describes the first difference between Prometheus' (a) and Lookout's (b) answer, or undefined when they agree. */
export function diff(a: Normalized, b: Normalized, ordered: boolean): string | undefined {
  if (a.kind === 'error' || b.kind === 'error') {
    if (a.kind === 'error' && b.kind === 'error') {
      return a.errorType === b.errorType ? undefined : `error types differ: prometheus ${a.errorType} (${a.message}) vs lookout ${b.errorType} (${b.message})`;
    }
    return `prometheus: ${a.kind === 'error' ? `error ${a.message}` : a.kind} vs lookout: ${b.kind === 'error' ? `error ${b.message}` : b.kind}`;
  }
  if (a.kind !== b.kind) return `result types differ: ${a.kind} vs ${b.kind}`;
  if (a.kind === 'scalar' && b.kind === 'scalar') return pointsDiff([a.point], [b.point]);
  if (a.kind === 'string' && b.kind === 'string') return a.t === b.t && a.value === b.value ? undefined : `${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  const as = (a as { series: NormSeries[] }).series;
  const bs = (b as { series: NormSeries[] }).series;
  const byKey = (list: NormSeries[]): Map<string, NormSeries> => new Map(list.map((s) => [labelsText(s.metric), s]));
  const am = byKey(as);
  const bm = byKey(bs);
  if (am.size !== as.length) return `prometheus returned duplicate series: ${as.map((s) => labelsText(s.metric)).join(' ')}`;
  if (bm.size !== bs.length) return `lookout returned duplicate series: ${bs.map((s) => labelsText(s.metric)).join(' ')}`;
  const onlyA = [...am.keys()].filter((k) => !bm.has(k));
  const onlyB = [...bm.keys()].filter((k) => !am.has(k));
  if (onlyA.length || onlyB.length) return `series only in prometheus: ${onlyA.join(' ') || '-'}; only in lookout: ${onlyB.join(' ') || '-'}`;
  for (const [k, s] of am) {
    const d = pointsDiff(s.points, bm.get(k)!.points);
    if (d) return `${k}: ${d}`;
  }
  if (ordered) {
    // Equal values may come in either order (Prometheus' sort is not stable); the value sequence must match.
    for (let i = 0; i < as.length; i++) {
      if (!floatsEqual(as[i].points[0][1], bs[i].points[0][1])) {
        return `order differs at ${i}: prometheus ${as.map((s) => s.points[0][1]).join(',')} vs lookout ${bs.map((s) => s.points[0][1]).join(',')}`;
      }
    }
  }
  return undefined;
}
