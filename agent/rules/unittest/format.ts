/**
 * promtool's failure text pieces, so a failing test reads the same as under
 * `promtool test rules`: label sets, alert lists, sample lists and Go's
 * duration spellings.
 */
import type { Labels } from '../../store/types';
import { formatFloat } from '../../templates/gofloat';
import { labelsString } from '../labels';
import { compareLabels } from '../../store/label-order';

export interface LabelsAndAnnotations { labels: Labels; annotations: Labels }

export { compareLabels };

export function sortAlerts(list: LabelsAndAnnotations[]): LabelsAndAnnotations[] {
  return [...list].sort((x, y) => compareLabels(x.labels, y.labels) || compareLabels(x.annotations, y.annotations));
}

function indentLines(s: string, indent: string): string {
  const lines = s.split('\n');
  return lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}

/** promtool's labelsAndAnnotations.String(). */
export function alertsString(list: LabelsAndAnnotations[]): string {
  if (list.length === 0) return '[]';
  const one = (la: LabelsAndAnnotations) => `Labels:${labelsString(la.labels)}\nAnnotations:${labelsString(la.annotations)}`;
  let s = '[\n0:' + indentLines('\n' + one(list[0]), '  ');
  list.slice(1).forEach((la, i) => {
    s += ',\n' + (i + 1) + ':' + indentLines('\n' + one(la), '  ');
  });
  return s + '\n]';
}

export function indent(s: string, by: string): string {
  return indentLines(s, by);
}

/** promtool's parsedSamplesString: {labels} value in Go's %E shortest form, or "nil". */
export function samplesString(samples: { labels: Labels; value: number }[]): string {
  if (samples.length === 0) return 'nil';
  return samples.map((s) => `${labelsString(s.labels)} ${formatFloat(s.value, 'E', -1)}`).join(', ');
}

/** Go's time.Duration.String() for whole milliseconds: "0s", "1m0s", "1h30m0s", "1.5s", "500ms". */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`;
  const h = Math.floor(rest / 3600_000);
  rest -= h * 3600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  let out = neg ? '-' : '';
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  return out + `${s}s`;
}
