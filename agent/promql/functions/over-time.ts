/**
 * The *_over_time family: aggregations of one series' points in the window,
 * with Prometheus 2.42's compensated summation and Inf handling.
 */
import { quantile } from './quantile';
import { kahanSumInc, type Window } from './window';

export function avgOverTime(w: Window): number {
  let mean = 0;
  let count = 0;
  let c = 0;
  for (let i = w.lo; i < w.hi; i++) {
    const v = w.v[i];
    count++;
    if (isInf(mean)) {
      // Inf + x - Inf would turn into NaN; an infinite mean stays as is unless a NaN or opposite Inf arrives.
      if (isInf(v) && mean > 0 === v > 0) continue;
      if (!isInf(v) && !Number.isNaN(v)) continue;
    }
    [mean, c] = kahanSumInc(v / count - mean / count, mean, c);
  }
  return isInf(mean) ? mean : mean + c;
}

export function sumOverTime(w: Window): number {
  let sum = 0;
  let c = 0;
  for (let i = w.lo; i < w.hi; i++) [sum, c] = kahanSumInc(w.v[i], sum, c);
  return isInf(sum) ? sum : sum + c;
}

export function countOverTime(w: Window): number {
  return w.hi - w.lo;
}

export function maxOverTime(w: Window): number {
  let max = w.v[w.lo];
  for (let i = w.lo; i < w.hi; i++) if (w.v[i] > max || Number.isNaN(max)) max = w.v[i];
  return max;
}

export function minOverTime(w: Window): number {
  let min = w.v[w.lo];
  for (let i = w.lo; i < w.hi; i++) if (w.v[i] < min || Number.isNaN(min)) min = w.v[i];
  return min;
}

export function lastOverTime(w: Window): number {
  return w.v[w.hi - 1];
}

export function presentOverTime(): number {
  return 1;
}

function varianceOverTime(w: Window): number {
  let count = 0;
  let mean = 0, cMean = 0, aux = 0, cAux = 0;
  for (let i = w.lo; i < w.hi; i++) {
    const v = w.v[i];
    count++;
    const delta = v - (mean + cMean);
    [mean, cMean] = kahanSumInc(delta / count, mean, cMean);
    [aux, cAux] = kahanSumInc(delta * (v - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

export function stdvarOverTime(w: Window): number {
  return varianceOverTime(w);
}

export function stddevOverTime(w: Window): number {
  return Math.sqrt(varianceOverTime(w));
}

export function quantileOverTime(w: Window, q: number): number {
  const values: number[] = [];
  for (let i = w.lo; i < w.hi; i++) values.push(w.v[i]);
  return quantile(q, values);
}

function isInf(x: number): boolean {
  return x === Infinity || x === -Infinity;
}
