/**
 * Targets: what the receivers that pull or watch expose. Scrape targets from
 * GET /api/v1/targets, probes from the store (blackbox's probe_* series) and
 * log files from the filelog receiver's lookout_filelog_* self-metrics. Each
 * section without data says which config key turns it on.
 */
import { h } from '../dom';
import { getText, instantVector as vector, promApi } from '../api';
import { definePage } from '../page';
import { ago, badge, card, empty, labelChips, num, table } from '../widgets';
import { parseMetricsText } from '../../../agent/ui/lib/metrics-text';
import { formatBytes, formatDuration } from '../../../agent/ui/lib/format';
import { ENABLE_HINTS, PROBE_QUERIES, filelogRows, groupTargets, lastScrapeMs, probeRows, type ActiveTarget, type FilelogRow, type ProbeRow } from '../../../agent/ui/lib/targets';
import { queryLink } from '../../../agent/ui/lib/url-state';

interface TargetsData {
  targets: ActiveTarget[];
  probes: ProbeRow[];
  files: FilelogRow[];
}

const HEALTH: Record<string, string> = { up: 'ok', down: 'crit', unknown: 'muted' };

export const targetsPage = definePage<TargetsData>({
  id: 'targets',
  title: 'Targets',
  refreshMs: 5000,
  async load() {
    const [targets, success, duration, status, text] = await Promise.all([
      promApi<{ activeTargets?: ActiveTarget[] }>('/api/v1/targets', { state: 'active' }).catch(() => ({ activeTargets: [] })),
      vector(PROBE_QUERIES.success), vector(PROBE_QUERIES.duration), vector(PROBE_QUERIES.status),
      getText('/metrics'),
    ]);
    return { targets: targets.activeTargets ?? [], probes: probeRows(success, duration, status), files: filelogRows(parseMetricsText(text)) };
  },
  view({ targets, probes, files }, { now }) {
    const pools = groupTargets(targets);
    const scrape = card('Scrape targets', pools.length === 0 ? [empty(ENABLE_HINTS.scrape)] : pools.map((p) => h('div', { class: 'pool', 'data-pool': p.pool },
      h('h3', null, p.pool, ' ', badge(`${p.up}/${p.targets.length} up`, p.up === p.targets.length ? 'ok' : 'crit')),
      table(['endpoint', 'health', 'labels', 'last scrape', 'took', 'error'], p.targets.map((t) => {
        const last = lastScrapeMs(t);
        return [
          h('a', { href: t.scrapeUrl, 'data-target': t.scrapeUrl, 'data-health': t.health }, t.scrapeUrl),
          badge(t.health, HEALTH[t.health] ?? 'muted'),
          labelChips(t.labels),
          last === undefined ? 'never' : ago(last, now),
          last === undefined ? '–' : formatDuration(t.lastScrapeDuration),
          t.lastError ? h('span', { class: 'error' }, t.lastError) : '',
        ];
      })))), { 'data-card': 'scrape' });

    const probeCard = card('Probes', probes.length === 0 ? [empty(ENABLE_HINTS.probes)] : [
      table(['job', 'target', 'result', 'took', 'HTTP status'], probes.map((p) => [
        p.job,
        h('span', { 'data-probe': p.instance }, p.instance),
        p.success === undefined ? '–' : badge(p.success ? 'success' : 'failed', p.success ? 'ok' : 'crit'),
        p.duration === undefined ? '–' : formatDuration(p.duration),
        p.status === undefined ? '–' : h('span', { class: p.status >= 200 && p.status < 400 ? '' : 'crit' }, p.status === 0 ? 'no response' : String(p.status)),
      ])),
      h('p', { class: 'muted small' }, h('a', { href: queryLink(PROBE_QUERIES.success, 'table') }, 'probe_success'), ' in the query view'),
    ], { 'data-card': 'probes' });

    const warn = (v: number | undefined) => (v ? 'warn' : '');
    const filelog = card('Log files', files.length === 0 ? [empty(ENABLE_HINTS.filelog)] : [
      table(['receiver', 'files', 'records', 'read', 'truncated', 'parse errors', 'dropped', 'refused (retried)', 'skipped files', 'checkpoint errors'], files.map((f) => [
        f.receiver || '(unnamed)', num(`filelog-files-${f.receiver}`, f.files), num(`filelog-records-${f.receiver}`, f.records),
        f.bytes === undefined ? '–' : formatBytes(f.bytes), num(`filelog-truncated-${f.receiver}`, f.truncated, warn(f.truncated)),
        num(`filelog-parse-errors-${f.receiver}`, f.parseErrors, warn(f.parseErrors)), num(`filelog-dropped-${f.receiver}`, f.dropped, f.dropped ? 'crit' : ''),
        num(`filelog-refusals-${f.receiver}`, f.refusals, warn(f.refusals)), num(`filelog-skipped-${f.receiver}`, f.skipped, warn(f.skipped)),
        num(`filelog-checkpoint-errors-${f.receiver}`, f.checkpointErrors, f.checkpointErrors ? 'crit' : ''),
      ])),
    ], { 'data-card': 'filelog' });

    return [scrape, probeCard, filelog];
  },
});
