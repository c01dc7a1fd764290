/**
 * A time-series graph on uPlot. One chart per container (kept across
 * refreshes: data is swapped with setData, the chart is rebuilt only when
 * the set of series changes), sized to its container, coloured from the
 * page's CSS variables so it follows light and dark.
 */
import uPlot from 'uplot';
import { formatCompact, formatTime } from '../../agent/ui/lib/format';

const PALETTE = ['#3b82f6', '#ef4444', '#10b981', '#f59e0b', '#8b5cf6', '#ec4899', '#14b8a6', '#f97316', '#6366f1', '#84cc16'];
const charts = new WeakMap<HTMLElement, { plot: uPlot; signature: string; observer: ResizeObserver }>();

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function height(container: HTMLElement): number {
  return Math.max(200, Math.min(360, Math.round(container.clientWidth * 0.45)));
}

export function drawChart(container: HTMLElement, names: string[], data: (number | null)[][]): void {
  const signature = JSON.stringify(names);
  const existing = charts.get(container);
  if (existing && existing.signature === signature) {
    existing.plot.setData(data as uPlot.AlignedData);
    return;
  }
  destroyChart(container);
  const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--grid'), width: 1 }, ticks: { stroke: cssVar('--grid'), width: 1 } };
  const opts: uPlot.Options = {
    width: Math.max(280, container.clientWidth),
    height: height(container),
    legend: { show: names.length <= 12, live: true },
    cursor: { points: { size: 6 } },
    scales: { x: { time: true } },
    axes: [
      { ...axis },
      { ...axis, size: 60, values: (_u, vals) => vals.map((v) => formatCompact(v)) },
    ],
    series: [
      { value: (_u, v) => (v === null ? '' : formatTime(v * 1000)) },
      ...names.map((label, i) => ({
        label,
        stroke: PALETTE[i % PALETTE.length],
        width: 1.5,
        spanGaps: false,
        value: (_u: uPlot, v: number | null) => (v === null ? '–' : formatCompact(v)),
      })),
    ],
  };
  const plot = new uPlot(opts, data as uPlot.AlignedData, container);
  const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(280, container.clientWidth), height: height(container) }));
  observer.observe(container);
  charts.set(container, { plot, signature, observer });
}

export function destroyChart(container: HTMLElement): void {
  const c = charts.get(container);
  if (!c) return;
  c.observer.disconnect();
  c.plot.destroy();
  charts.delete(container);
}
