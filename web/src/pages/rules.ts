/** Rules: every group and rule from GET /api/v1/rules, with health, last error, timing and a link to graph the expression. */
import { h } from '../dom';
import { promApi } from '../api';
import { definePage } from '../page';
import { ago, badge, card, empty, labelChips } from '../widgets';
import { formatDuration } from '../../../agent/ui/lib/format';
import { queryLink } from '../../../agent/ui/lib/url-state';

export interface Rule {
  name: string;
  query: string;
  type: 'alerting' | 'recording';
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  lastEvaluation?: string;
  evaluationTime: number;
  state?: 'inactive' | 'pending' | 'firing';
  duration?: number;
  labels?: Record<string, string>;
  alerts?: unknown[];
}

export interface RuleGroup {
  name: string;
  file: string;
  interval: number;
  rules: Rule[];
  lastEvaluation?: string;
  evaluationTime: number;
}

function evaluated(iso: string | undefined, now: number) {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) && t > 0 ? ago(t, now) : 'never';
}

const HEALTH: Record<string, string> = { ok: 'ok', err: 'crit', unknown: 'muted' };
const STATE: Record<string, string> = { firing: 'crit', pending: 'warn', inactive: 'ok' };

export const rulesPage = definePage<RuleGroup[]>({
  id: 'rules',
  title: 'Rules',
  refreshMs: 10_000,
  async load() {
    return (await promApi<{ groups: RuleGroup[] }>('/api/v1/rules')).groups;
  },
  view(groups, { now }) {
    if (groups.length === 0) return [empty('No rule groups are loaded (rules.files, rules.default_pack).')];
    return groups.map((g) => card(
      h('span', null, g.name, ' ', h('span', { class: 'muted small' }, `${g.file} · every ${formatDuration(g.interval)} · last `, evaluated(g.lastEvaluation, now), ` in ${formatDuration(g.evaluationTime)}`)),
      g.rules.map((r) => h('article', { class: 'rule', 'data-key': `${r.type}:${r.name}`, 'data-rule': r.name, 'data-health': r.health },
        h('div', { class: 'rule-head' },
          h('span', { class: 'muted small' }, r.type === 'alerting' ? 'alert' : 'record'),
          h('strong', null, r.name),
          badge(r.health, HEALTH[r.health] ?? 'muted'),
          r.state && badge(r.state, STATE[r.state] ?? ''),
          h('span', { class: 'muted small grow' }, 'evaluated ', evaluated(r.lastEvaluation, now), ` in ${formatDuration(r.evaluationTime)}`,
            r.duration ? ` · for ${formatDuration(r.duration)}` : ''),
          h('a', { href: queryLink(r.query), class: 'button small', 'data-graph': r.name }, 'Graph')),
        h('pre', { class: 'expr' }, r.query.trim()),
        r.labels && Object.keys(r.labels).length ? labelChips(r.labels) : null,
        r.lastError ? h('p', { class: 'error' }, r.lastError) : null)),
      { 'data-key': `${g.file};${g.name}` }));
  },
});
