/**
 * The Targets page's logic: scrape targets from GET /api/v1/targets
 * (Prometheus' format), probes from the store (blackbox's probe_* series by
 * job and instance) and log files from the filelog receiver's
 * lookout_filelog_* self-metrics. Pure, so it is unit-tested without a DOM.
 */
import { total, type Sample } from './metrics-text';
import type { VectorSample } from './series';

/** One element of data.activeTargets[] (the fields the page reads). */
export interface ActiveTarget {
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
}

export interface TargetPool {
  pool: string;
  up: number;
  targets: ActiveTarget[];
}

/** Targets grouped by scrape pool (job), pools by name, targets by URL; down targets first within a pool. */
export function groupTargets(targets: readonly ActiveTarget[]): TargetPool[] {
  const pools = new Map<string, ActiveTarget[]>();
  for (const t of targets) pools.set(t.scrapePool, [...(pools.get(t.scrapePool) ?? []), t]);
  const rank = { down: 0, unknown: 1, up: 2 } as const;
  return [...pools.keys()].sort().map((pool) => {
    const list = [...pools.get(pool)!].sort((a, b) => (rank[a.health] ?? 1) - (rank[b.health] ?? 1) || a.scrapeUrl.localeCompare(b.scrapeUrl));
    return { pool, up: list.filter((t) => t.health === 'up').length, targets: list };
  });
}

/** Milliseconds of lastScrape, or undefined for "never" (Prometheus' zero time 0001-01-01). */
export function lastScrapeMs(t: ActiveTarget): number | undefined {
  const ms = Date.parse(t.lastScrape);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

export interface ProbeRow {
  job: string;
  instance: string;
  success?: boolean;
  duration?: number;
  /** HTTP probes only; 0 when there was no response. */
  status?: number;
}

/** The queries the page runs, one per column (a missing series leaves its column empty). */
export const PROBE_QUERIES = {
  success: 'max by (job, instance) (probe_success)',
  duration: 'max by (job, instance) (probe_duration_seconds)',
  status: 'max by (job, instance) (probe_http_status_code)',
} as const;

/** Joins the three vectors on (job, instance); failing probes first, then by job and instance. */
export function probeRows(success: readonly VectorSample[], duration: readonly VectorSample[], status: readonly VectorSample[]): ProbeRow[] {
  const rows = new Map<string, ProbeRow>();
  const row = (v: VectorSample) => {
    const job = v.metric.job ?? '';
    const instance = v.metric.instance ?? '';
    const key = `${job}\u0000${instance}`;
    const r = rows.get(key) ?? { job, instance };
    rows.set(key, r);
    return r;
  };
  for (const v of success) row(v).success = Number(v.value[1]) === 1;
  for (const v of duration) row(v).duration = Number(v.value[1]);
  for (const v of status) row(v).status = Number(v.value[1]);
  return [...rows.values()].sort((a, b) => Number(a.success ?? false) - Number(b.success ?? false)
    || a.job.localeCompare(b.job) || a.instance.localeCompare(b.instance));
}

export interface FilelogRow {
  receiver: string;
  files?: number;
  records?: number;
  bytes?: number;
  truncated?: number;
  parseErrors?: number;
  dropped?: number;
  refusals?: number;
  skipped?: number;
  checkpointErrors?: number;
}

/** One row per filelog receiver (the `receiver` label of lookout_filelog_*); none when no receiver runs. */
export function filelogRows(s: readonly Sample[]): FilelogRow[] {
  const names = new Set<string>();
  for (const x of s) if (x.name.startsWith('lookout_filelog_')) names.add(x.labels.receiver ?? '');
  return [...names].sort().map((receiver) => {
    const f = { receiver };
    return {
      receiver,
      files: total(s, 'lookout_filelog_files_tracked', f),
      records: total(s, 'lookout_filelog_records_total', f),
      bytes: total(s, 'lookout_filelog_bytes_read_total', f),
      truncated: total(s, 'lookout_filelog_records_truncated_total', f),
      parseErrors: total(s, 'lookout_filelog_parse_errors_total', f),
      dropped: total(s, 'lookout_filelog_records_dropped_total', f),
      refusals: total(s, 'lookout_filelog_consume_refusals_total', f),
      skipped: total(s, 'lookout_filelog_files_skipped_total', f),
      checkpointErrors: total(s, 'lookout_filelog_checkpoint_errors_total', f),
    };
  });
}

/** The empty state: which config key turns each section on. */
export const ENABLE_HINTS = {
  scrape: 'No scrape targets: add receivers.prometheus.config.scrape_configs to scrape Prometheus endpoints.',
  probes: 'No probes: add receivers.probes.targets to probe HTTP or TCP endpoints.',
  filelog: 'No log files: add receivers.filelog.include to tail log files.',
} as const;
