/**
 * Query API results -> what the Query page draws: a legend name per series
 * and uPlot's aligned data (one shared x array in seconds, one y array per
 * series with null where a series has no point).
 */
import { formatSeries } from './format';

export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export function seriesName(metric: Record<string, string>): string {
  return Object.keys(metric).length === 0 ? '{}' : formatSeries(metric);
}

/** [xs, ...ys]: xs sorted ascending, union of every series' timestamps. */
export function alignMatrix(result: readonly MatrixSeries[]): { names: string[]; data: (number | null)[][] } {
  const xs = [...new Set(result.flatMap((s) => s.values.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const ys = result.map((s) => {
    const y: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    for (const [t, v] of s.values) {
      const n = Number(v);
      y[index.get(t)!] = Number.isFinite(n) ? n : null;
    }
    return y;
  });
  return { names: result.map((s) => seriesName(s.metric)), data: [xs, ...ys] };
}
