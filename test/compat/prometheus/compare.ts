/**
 * Brings Prometheus' HTTP answers and Lookout's engine results to one shape
 * and compares them: same result type, same label sets, same timestamps,
 * values equal within a relative tolerance (NaN equals NaN). Order matters
 * only where PromQL defines it (sort, sort_desc).
 */
import type { QueryValue } from '../../../agent/promql/types';
import type { PromApiResult } from './prometheus-server';

export type Point = [t: number, v: number];
export interface Item { metric: Record<string, string>; points: Point[] }
export type Normalised =
  | { kind: 'error'; message: string }
  | { kind: 'string'; t: number; value: string }
  | { kind: 'scalar' | 'vector' | 'matrix'; items: Item[] };

/** Relative tolerance for values; an absolute floor keeps float noise around zero from failing (e.g. 1e-17 vs 0). */
export const REL_TOLERANCE = 1e-9;
export const ABS_FLOOR = 1e-12;

export function parsePromValue(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  return Number(s);
}

const secToMs = (s: number): number => Math.round(s * 1000);

export function fromPrometheus(r: PromApiResult): Normalised {
  if (r.status === 'error') return { kind: 'error', message: `${r.errorType}: ${r.error}` };
  const d = r.data;
  switch (d.resultType) {
    case 'string': return { kind: 'string', t: secToMs(d.result[0]), value: d.result[1] };
    case 'scalar': return { kind: 'scalar', items: [{ metric: {}, points: [[secToMs(d.result[0]), parsePromValue(d.result[1])]] }] };
    case 'vector': return { kind: 'vector', items: d.result.map((s) => ({ metric: s.metric, points: [[secToMs(s.value[0]), parsePromValue(s.value[1])]] })) };
    case 'matrix': return { kind: 'matrix', items: d.result.map((s) => ({ metric: s.metric, points: s.values.map(([t, v]) => [secToMs(t), parsePromValue(v)] as Point) })) };
  }
}

export function fromLookout(run: () => QueryValue): Normalised {
  let q: QueryValue;
  try {
    q = run();
  } catch (err) {
    return { kind: 'error', message: `${(err as Error).name}: ${(err as Error).message}` };
  }
  switch (q.resultType) {
    case 'string': return { kind: 'string', t: q.result.t, value: q.result.value };
    case 'scalar': return { kind: 'scalar', items: [{ metric: {}, points: [[q.result.t, q.result.value]] }] };
    case 'vector': return { kind: 'vector', items: q.result.map((s) => ({ metric: s.metric, points: [[s.t, s.value]] })) };
    case 'matrix': return { kind: 'matrix', items: q.result.map((s) => ({ metric: s.metric, points: s.points.map((p) => [p.t, p.value] as Point) })) };
  }
}

export function valuesEqual(a: number, b: number): boolean {
  if (Object.is(a, b) || a === b) return true;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= Math.max(ABS_FLOOR, REL_TOLERANCE * Math.max(Math.abs(a), Math.abs(b)));
}

export function metricKey(m: Record<string, string>): string {
  return JSON.stringify(Object.keys(m).sort().map((k) => [k, m[k]]));
}

function describeItem(i: Item | undefined): string {
  if (!i) return '(none)';
  const pts = i.points.length > 6 ? [...i.points.slice(0, 3), '...', ...i.points.slice(-3)] : i.points;
  return `${metricKey(i.metric)} ${JSON.stringify(pts)}`;
}

/**
 * Undefined when both agree; otherwise a description of the first difference.
 * `ordered`: the result order must match too (sort/sort_desc: compared by value
 * sequence, since the order among equal values is unspecified in Prometheus).
 */
export function difference(prom: Normalised, ours: Normalised, ordered = false): string | undefined {
  if (prom.kind === 'error' || ours.kind === 'error') {
    if (prom.kind === ours.kind) return undefined;
    return `prometheus: ${prom.kind === 'error' ? prom.message : prom.kind}; lookout: ${ours.kind === 'error' ? ours.message : ours.kind}`;
  }
  if (prom.kind !== ours.kind) return `result type: prometheus ${prom.kind}, lookout ${ours.kind}`;
  if (prom.kind === 'string' || ours.kind === 'string') {
    const p = prom as Extract<Normalised, { kind: 'string' }>;
    const o = ours as Extract<Normalised, { kind: 'string' }>;
    return p.value === o.value && p.t === o.t ? undefined : `string: prometheus ${JSON.stringify(p)}, lookout ${JSON.stringify(o)}`;
  }
  const ourByKey = new Map<string, Item>();
  for (const i of ours.items) {
    const k = metricKey(i.metric);
    if (ourByKey.has(k)) return `lookout returned ${k} twice`;
    ourByKey.set(k, i);
  }
  for (const p of prom.items) {
    const k = metricKey(p.metric);
    const o = ourByKey.get(k);
    if (!o) {
      return `series ${k} missing from lookout (prometheus ${prom.items.length} series, lookout ${ours.items.length}); ` +
        `prometheus: ${describeItem(p)}; lookout has e.g. ${describeItem(ours.items[0])}`;
    }
    ourByKey.delete(k);
    if (p.points.length !== o.points.length) {
      return `series ${k}: prometheus ${p.points.length} points, lookout ${o.points.length}\n  prometheus: ${describeItem(p)}\n  lookout:    ${describeItem(o)}`;
    }
    for (let j = 0; j < p.points.length; j++) {
      const [pt, pv] = p.points[j];
      const [ot, ov] = o.points[j];
      if (pt !== ot) return `series ${k} point ${j}: prometheus t=${pt}, lookout t=${ot}`;
      if (!valuesEqual(pv, ov)) return `series ${k} @${pt}: prometheus ${pv}, lookout ${ov} (diff ${ov - pv})`;
    }
  }
  if (ourByKey.size > 0) {
    const [k, extra] = ourByKey.entries().next().value as [string, Item];
    return `lookout returned ${ourByKey.size} series prometheus did not, e.g. ${k}: ${describeItem(extra)}`;
  }
  if (ordered) {
    const pv = prom.items.map((i) => i.points[0]?.[1]);
    const ov = ours.items.map((i) => i.points[0]?.[1]);
    for (let j = 0; j < pv.length; j++) {
      if (!valuesEqual(pv[j], ov[j])) return `order differs at ${j}: prometheus ${JSON.stringify(pv)}, lookout ${JSON.stringify(ov)}`;
    }
  }
  return undefined;
}
