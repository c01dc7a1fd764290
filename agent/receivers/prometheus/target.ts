/**
 * One scrape target as Prometheus' populateLabels (scrape/target.go, 2.42)
 * builds it: discovered labels plus the job's defaults, relabel_configs,
 * a default port and `instance`, then every `__`-prefixed label removed.
 */
import type { Labels } from '../../store/types';
import { formatDuration } from '../../config/duration';
import type { Relabeler } from './relabel';
import type { ScrapeConfig, TargetGroup } from './config';

export interface Target {
  /** Discovered labels (before relabeling), for /api/v1/targets. */
  discovered: Labels;
  /** The labels every scraped sample gets. */
  labels: Labels;
  url: string;
}

export type Populated = { target: Target } | { dropped: Labels } | { error: string; discovered: Labels };

export function populateTarget(
  group: TargetGroup, address: string, sc: ScrapeConfig, timing: { intervalMs: number; timeoutMs: number }, relabel: Relabeler,
): Populated {
  const discovered: Labels = { ...group.labels, __address__: address };
  const lb: Labels = { ...discovered };
  const defaults: Labels = {
    job: sc.job_name,
    __scrape_interval__: formatDuration(timing.intervalMs),
    __scrape_timeout__: formatDuration(timing.timeoutMs),
    __metrics_path__: sc.metrics_path,
    __scheme__: sc.scheme,
  };
  for (const [k, v] of Object.entries(defaults)) if (!lb[k]) lb[k] = v;
  for (const [k, v] of Object.entries(sc.params)) if (!lb[`__param_${k}`] && v.length > 0) lb[`__param_${k}`] = v[0];
  for (const [k, v] of Object.entries(lb)) if (k !== '__address__') discovered[k] = v;
  const after = relabel.apply(lb);
  if (!after) return { dropped: discovered };
  let addr = after.__address__;
  if (!addr) return { error: 'no address', discovered };
  if (!/:\d+$/.test(addr) && !/^\[.*\]:\d+$/.test(addr)) addr = `${addr}:${after.__scheme__ === 'https' ? 443 : 80}`;
  if (/[/?#@]/.test(addr)) return { error: `${JSON.stringify(addr)} is not a valid hostname`, discovered };
  const labels: Labels = {};
  for (const [k, v] of Object.entries(after)) if (!k.startsWith('__') && v !== '') labels[k] = v;
  labels.instance ||= addr;
  const query = new URLSearchParams();
  for (const [k, vs] of Object.entries(sc.params)) {
    const override = after[`__param_${k}`];
    if (override !== undefined) query.append(k, override);
    else for (const v of vs) query.append(k, v);
  }
  for (const [k, v] of Object.entries(after)) {
    if (k.startsWith('__param_') && !(k.slice(8) in sc.params)) query.append(k.slice(8), v);
  }
  const qs = query.toString();
  const url = `${after.__scheme__ ?? sc.scheme}://${addr}${after.__metrics_path__ ?? sc.metrics_path}${qs ? `?${qs}` : ''}`;
  return { target: { discovered, labels, url } };
}
