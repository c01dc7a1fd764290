/**
 * A time-series graph on uPlot. One chart per container (kept across
 * re-renders: data is swapped with setData, the chart is rebuilt only when
 * the set of series changes), sized to its container, coloured from the
 * page's CSS variables so it follows light and dark. The legend is the
 * page's own (long label sets wrap better in HTML than in uPlot's table);
 * hovering writes the time and the largest values under the cursor into
 * the container's `.chart-readout` sibling.
 */
import uPlot from 'uplot';
import { formatCompact, formatTime } from '../../agent/ui/lib/format';

export const PALETTE = ['#3b82f6', '#ef4444', '#10b981', '#f59e0b', '#8b5cf6', '#ec4899', '#14b8a6', '#f97316', '#6366f1', '#84cc16'];
const READOUT_SERIES = 4;
const charts = new WeakMap<HTMLElement, { plot: uPlot; signature: string; observer: ResizeObserver; range: [number, number] }>();

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function height(container: HTMLElement): number {
  return Math.max(200, Math.min(360, Math.round(container.clientWidth * 0.4)));
}

function readout(container: HTMLElement, names: string[]) {
  return (u: uPlot) => {
    const el = container.parentElement?.querySelector('.chart-readout');
    const idx = u.cursor.idx;
    if (!el) return;
    if (idx === null || idx === undefined) { el.textContent = ''; return; }
    const t = u.data[0][idx];
    const values = names.map((name, i) => ({ name, v: u.data[i + 1][idx] })).filter((x): x is { name: string; v: number } => x.v !== null && x.v !== undefined)
      .sort((a, b) => b.v - a.v).slice(0, READOUT_SERIES);
    el.textContent = `${formatTime(t * 1000)}  ${values.map((x) => `${formatCompact(x.v)} ${x.name}`).join('  ·  ')}`;
  };
}

/** `range` is the query's [start, end] in seconds: the x axis shows it whole even when data covers part of it. */
export function drawChart(container: HTMLElement, names: string[], data: (number | null)[][], range: [number, number]): void {
  const signature = JSON.stringify(names);
  const existing = charts.get(container);
  if (existing && existing.signature === signature) {
    existing.range = range;
    existing.plot.setData(data as uPlot.AlignedData);
    return;
  }
  destroyChart(container);
  const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--grid'), width: 1 }, ticks: { stroke: cssVar('--grid'), width: 1 } };
  const entry = { range } as { plot: uPlot; signature: string; observer: ResizeObserver; range: [number, number] };
  const opts: uPlot.Options = {
    width: Math.max(280, container.clientWidth),
    height: height(container),
    legend: { show: false },
    cursor: { points: { size: 6 } },
    scales: { x: { time: true, range: () => entry.range } },
    axes: [{ ...axis }, { ...axis, size: 56, values: (_u, vals) => vals.map((v) => formatCompact(v)) }],
    series: [{}, ...names.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: false, points: { size: 4 } }))],
    hooks: { setCursor: [readout(container, names)] },
  };
  const plot = new uPlot(opts, data as uPlot.AlignedData, container);
  const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(280, container.clientWidth), height: height(container) }));
  observer.observe(container);
  Object.assign(entry, { plot, signature, observer });
  charts.set(container, entry);
}

export function destroyChart(container: HTMLElement): void {
  const c = charts.get(container);
  if (!c) return;
  c.observer.disconnect();
  c.plot.destroy();
  charts.delete(container);
}
