/**
 * Overview: is the agent healthy and is anything firing, in ten seconds.
 * Numbers come from the agent's own /metrics (what a scraper sees), the
 * rule groups from /api/v1/rules, and per-service facts (last data seen,
 * event-loop delay, heap) from PromQL over the local store.
 */
import { h } from '../dom';
import { getText, instantVector as vector, promApi } from '../api';
import { definePage } from '../page';
import { ago, bar, badge, card, empty, num, stat, table } from '../widgets';
import { parseMetricsText, select, sumBy, total, type Sample } from '../../../agent/ui/lib/metrics-text';
import { agentRow, exporterRows, notifierRows, receiverRows, verdict } from '../../../agent/ui/lib/overview';
import { formatBytes, formatDuration } from '../../../agent/ui/lib/format';
import type { VectorSample } from '../../../agent/ui/lib/series';
import { queryLink } from '../../../agent/ui/lib/url-state';
import type { RuleGroup } from './rules';

/** Per-service queries; a failing one leaves its column empty instead of failing the page. */
/** Metrics from an app's SDK carry its service.name as `job` (no service_name label); span metrics carry service_name. */
const byService = (expr: string) => `max by (service_name) (label_replace(${expr}, "service_name", "$1", "job", "(.+)"))`;
const QUERIES = {
  lastSeen: `max by (service_name) (timestamp(traces_span_metrics_calls_total)) or ${byService('timestamp(target_info)')}`,
  loopDelay: byService('nodejs_eventloop_delay_p99_seconds'),
  heap: byService('sum without (v8js_heap_space_name) (v8js_memory_heap_used_bytes)'),
};

interface OverviewData {
  samples: Sample[];
  groups: RuleGroup[];
  services: Map<string, { lastSeen?: number; loopDelay?: number; heap?: number }>;
}

function groupId(g: RuleGroup): string {
  return `${g.file};${g.name}`;
}

export const overviewPage = definePage<OverviewData>({
  id: 'overview',
  title: 'Overview',
  refreshMs: 5000,
  async load() {
    const [text, rules, lastSeen, loopDelay, heap] = await Promise.all([
      getText('/metrics'),
      promApi<{ groups: RuleGroup[] }>('/api/v1/rules').catch(() => ({ groups: [] })),
      vector(QUERIES.lastSeen), vector(QUERIES.loopDelay), vector(QUERIES.heap),
    ]);
    const services = new Map<string, { lastSeen?: number; loopDelay?: number; heap?: number }>();
    const put = (list: VectorSample[], key: 'lastSeen' | 'loopDelay' | 'heap') => {
      for (const v of list) {
        const name = v.metric.service_name ?? '(no service_name)';
        const entry = services.get(name) ?? {};
        entry[key] = Number(v.value[1]);
        services.set(name, entry);
      }
    };
    put(lastSeen, 'lastSeen'); put(loopDelay, 'loopDelay'); put(heap, 'heap');
    return { samples: parseMetricsText(text), groups: rules.groups, services };
  },
  view({ samples: s, groups, services }, { now }) {
    const groupsWithErrors = groups.filter((g) => g.rules.some((r) => r.health !== 'ok')).length;
    const v = verdict(s, groupsWithErrors);
    const reloadOk = total(s, 'lookout_config_last_reload_successful');
    const reloadAt = total(s, 'lookout_config_last_reload_success_timestamp_seconds');
    const build = select(s, 'lookout_build_info')[0]?.labels;
    const firing = total(s, 'lookout_rule_alerts', { state: 'firing' });
    const active = total(s, 'lookout_alerts', { state: 'active' }) ?? firing;
    const pending = total(s, 'lookout_rule_alerts', { state: 'pending' });

    const headline = h('section', { class: `verdict ${v.level}`, 'data-verdict': v.level },
      h('strong', null, v.level === 'ok' ? 'All good' : v.level === 'crit' ? 'Needs attention' : 'Worth a look'),
      v.reasons.length ? h('ul', null, ...v.reasons.map((r) => h('li', null, r))) : h('span', null, ' — receiving, storing, evaluating; nothing firing.'),
      build && h('span', { class: 'muted version' }, `lookout ${build.version} · node ${build.nodeversion}`));

    const stats = h('div', { class: 'stats' },
      h('a', { href: '#/alerts', class: 'stat-link' }, stat('alerts-firing', 'alerts firing', firing, { level: active ? 'crit' : 'ok' })),
      h('a', { href: '#/alerts', class: 'stat-link' }, stat('alerts-pending', 'pending', pending, { level: pending ? 'warn' : '' })),
      stat('alerts-suppressed', 'silenced or inhibited', total(s, 'lookout_alerts', { state: 'suppressed' })),
      stat('silences-active', 'silences active', total(s, 'lookout_silences', { state: 'active' })),
      stat('config-reload', 'config reload', reloadOk, {
        text: reloadOk === undefined ? '–' : reloadOk === 1 ? 'OK' : 'FAILED', level: reloadOk === 0 ? 'crit' : 'ok',
        title: reloadAt ? `last successful load ${new Date(reloadAt * 1000).toISOString()}` : undefined,
      }));

    const receivers = card('Receivers', [
      table(['signal', 'accepted', 'refused'], receiverRows(s).map((r) => [
        r.signal, num(`receiver-accepted-${r.signal}`, r.accepted), num(`receiver-refused-${r.signal}`, r.refused, r.refused ? 'warn' : ''),
      ])),
      h('h3', null, 'Services'),
      services.size === 0 ? empty('No data from any service in the last 5 minutes.') : table(['service', 'last data', 'event loop p99', 'heap used'],
        [...services.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, x]) => [
          h('span', { 'data-service': name }, name),
          x.lastSeen === undefined ? '–' : h('span', { class: now - x.lastSeen * 1000 > 120_000 ? 'warn' : '' }, ago(x.lastSeen * 1000, now)),
          x.loopDelay === undefined ? '–' : h('span', { class: x.loopDelay > 0.5 ? 'crit' : x.loopDelay > 0.1 ? 'warn' : '' }, formatDuration(x.loopDelay)),
          x.heap === undefined ? '–' : formatBytes(x.heap),
        ])),
    ], { 'data-card': 'receivers' });

    const exp = exporterRows(s, now);
    const exporter = card('Exporter (upstream OTLP)', exp.length === 0 ? [empty('No exporters.otlp configured: telemetry stays on this host.')] : [
      table(['signal', 'sent', 'failed', 'queue full refusals', 'queue', 'oldest entry'], exp.map((r) => [
        r.signal, num(`exporter-sent-${r.signal}`, r.sent), num(`exporter-failed-${r.signal}`, r.failed, r.failed ? 'crit' : ''),
        num(`exporter-enqueue-failed-${r.signal}`, r.enqueueFailed, r.enqueueFailed ? 'warn' : ''),
        h('span', { class: 'queue' }, bar(r.capacity ? (r.queued ?? 0) / r.capacity : undefined), num(`exporter-queued-${r.signal}`, r.queued), ' / ', r.capacity === undefined ? '–' : String(r.capacity)),
        r.oldestAge === undefined ? '–' : formatDuration(r.oldestAge),
      ])),
    ], { 'data-card': 'exporter' });

    const series = total(s, 'lookout_store_series');
    const limit = total(s, 'lookout_store_series_limit');
    const refusedBy = sumBy(s, 'lookout_store_refused_samples_total', 'reason');
    const store = card('Store', [
      h('div', { class: 'stats small' },
        stat('store-series', 'series', series),
        stat('store-samples', 'samples in memory', total(s, 'lookout_store_samples')),
        stat('store-bytes', 'sample bytes', total(s, 'lookout_store_sample_bytes'), { text: formatBytes(total(s, 'lookout_store_sample_bytes') ?? 0) })),
      limit ? h('p', null, bar(series !== undefined ? series / limit : undefined), ` ${series ?? 0} of ${limit} series (store.max_series)`) : null,
      refusedBy.size ? table(['refused samples', 'count'], [...refusedBy].map(([reason, n]) => [reason, num(`store-refused-${reason}`, n, n ? 'warn' : '')])) : null,
    ], { 'data-card': 'store' });

    const self = agentRow(s);
    const agent = card('Agent', [
      h('div', { class: 'stats small' },
        stat('agent-loop-delay', self.loopDelayKind === 'p99' ? 'event-loop delay p99' : 'event-loop delay (max, 15-30 s)', self.loopDelay, {
          text: self.loopDelay === undefined ? '–' : formatDuration(self.loopDelay),
          level: self.loopDelay === undefined ? '' : self.loopDelay > 0.5 ? 'crit' : self.loopDelay > 0.1 ? 'warn' : 'ok',
        }),
        stat('agent-rss', 'resident memory', self.rss, { text: self.rss === undefined ? '–' : formatBytes(self.rss) })),
    ], { 'data-card': 'agent' });

    const failures = sumBy(s, 'lookout_rule_evaluation_failures_total', 'rule_group');
    const rules = card(h('a', { href: '#/rules' }, 'Rule groups'), [groups.length === 0 ? empty('No rule groups loaded.') :
      table(['group', 'rules', 'last evaluation', 'took', 'failures', 'health'], groups.map((g) => {
        const errors = g.rules.filter((r) => r.health !== 'ok').length;
        const fails = failures.get(groupId(g)) ?? 0;
        return [
          h('a', { href: '#/rules', title: g.file }, g.name), String(g.rules.length),
          g.lastEvaluation && Date.parse(g.lastEvaluation) > 0 ? ago(Date.parse(g.lastEvaluation), now) : 'never',
          formatDuration(g.evaluationTime), num(`rule-failures-${g.name}`, fails, fails ? 'warn' : ''),
          errors ? badge(`${errors} with errors`, 'crit') : badge('ok', 'ok'),
        ];
      }))], { 'data-card': 'rules' });

    const integrations = notifierRows(s);
    const dropped = total(s, 'lookout_notifications_dropped_total');
    const notifier = card('Notifier', [
      integrations.length === 0 ? empty('No notifications sent yet.') : table(['integration', 'sent', 'failed'], integrations.map((r) => [
        r.integration || '(none)', num(`notify-sent-${r.integration}`, r.attempts - r.failed), num(`notify-failed-${r.integration}`, r.failed, r.failed ? 'crit' : ''),
      ])),
      dropped ? h('p', { class: 'warn' }, `${dropped} alerts dropped forwarding to Alertmanagers`) : null,
    ], { 'data-card': 'notifier' });

    const refusedAdmin = sumBy(s, 'lookout_admin_requests_refused_total', 'reason');
    const admin = refusedAdmin.size ? card('Admin API refusals', [table(['reason', 'count'], [...refusedAdmin].map(([r, n]) => [r, num(`admin-refused-${r}`, n)]))]) : null;

    return [
      headline, stats,
      h('div', { class: 'grid' }, receivers, exporter, store, agent, rules, notifier, admin),
      h('p', { class: 'muted small' }, 'Numbers from this agent\'s ', h('a', { href: '/metrics' }, '/metrics'),
        '; per-service rows from the local store (', h('a', { href: queryLink(QUERIES.lastSeen, 'table') }, 'query'), ').'),
    ];
  },
});
