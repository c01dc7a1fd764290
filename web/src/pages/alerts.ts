/**
 * Alerts: firing and pending alerts grouped like Alertmanager's UI, each
 * with labels, annotations, active-since and silenced/inhibited state; one
 * click opens a silence pre-filled from the alert's labels; the silences
 * list with expire.
 */
import { h } from '../dom';
import { getJson, promApi, send } from '../api';
import { definePage, type PageContext } from '../page';
import { ago, badge, card, empty, labelChips } from '../widgets';
import { groupAlerts, mergeAlerts, parseGroupBy, type AmAlert, type RuleAlert, type UiAlert } from '../../../agent/ui/lib/alerts';
import { buildSilence, draftFromAlert, matcherText, type MatcherDraft, type SilenceDraft, type SilenceMatcher } from '../../../agent/ui/lib/silence';

interface Silence {
  id: string;
  status: { state: 'active' | 'pending' | 'expired' };
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

interface AlertsData {
  alerts: UiAlert[];
  silences: Silence[];
}

/** The open silence form survives refreshes (it is not part of the data). */
let draft: SilenceDraft | undefined;
let draftError = '';

const CREATED_BY_KEY = 'lookout.silence.createdBy';
const STATE_LEVEL: Record<string, string> = { firing: 'crit', pending: 'warn', silenced: 'muted', inhibited: 'muted', active: 'ok', expired: 'muted' };

function isUrl(text: string): boolean {
  return /^https?:\/\/\S+$/.test(text);
}

function annotations(a: Record<string, string>) {
  const keys = Object.keys(a).sort((x, y) => (x === 'summary' ? -1 : y === 'summary' ? 1 : x.localeCompare(y)));
  if (keys.length === 0) return null;
  return h('dl', { class: 'annotations' }, ...keys.flatMap((k) => [
    h('dt', null, k), h('dd', null, isUrl(a[k]) ? h('a', { href: a[k], rel: 'noopener noreferrer', target: '_blank' }, a[k]) : a[k]),
  ]));
}

function openSilence(alert: UiAlert, ctx: PageContext) {
  draft = draftFromAlert(alert.labels, localStorage.getItem(CREATED_BY_KEY) ?? 'web-ui');
  draftError = '';
  ctx.rerender();
  window.scrollTo({ top: 0, behavior: 'smooth' });
}

function alertCard(a: UiAlert, ctx: PageContext): HTMLElement {
  return h('article', { class: `alert ${a.state}`, 'data-key': JSON.stringify(a.labels), 'data-alert': a.labels.alertname ?? '', 'data-state': a.state },
    h('div', { class: 'alert-head' },
      badge(a.state, STATE_LEVEL[a.state]),
      h('strong', null, a.labels.alertname ?? '(no alertname)'),
      h('span', { class: 'muted small grow' }, a.state === 'pending' ? 'pending since ' : 'active since ', a.since ? ago(a.since, ctx.now) : '?'),
      a.state === 'pending' || a.state === 'silenced' ? null : h('button', { class: 'small', type: 'button', 'data-silence': '', onclick: () => openSilence(a, ctx) }, 'Silence')),
    labelChips(a.labels, ['alertname']),
    annotations(a.annotations),
    a.silencedBy.length ? h('p', { class: 'muted small' }, `silenced by ${a.silencedBy.join(', ')}`) : null,
    a.inhibitedBy.length ? h('p', { class: 'muted small' }, `inhibited by ${a.inhibitedBy.join(', ')}`) : null);
}

function matcherRow(m: MatcherDraft, ctx: PageContext): HTMLElement {
  const op = m.isEqual ? (m.isRegex ? '=~' : '=') : (m.isRegex ? '!~' : '!=');
  return h('div', { class: 'matcher', 'data-key': m.name },
    h('label', { class: 'check' }, h('input', { type: 'checkbox', checked: m.enabled, onchange: (e) => { m.enabled = (e.target as HTMLInputElement).checked; ctx.rerender(); } }), h('code', null, m.name)),
    h('select', { value: op, 'aria-label': `${m.name} operator`, onchange: (e) => {
      const v = (e.target as HTMLSelectElement).value;
      m.isEqual = v === '=' || v === '=~';
      m.isRegex = v.endsWith('~');
    } }, ...['=', '!=', '=~', '!~'].map((o) => h('option', { value: o, selected: o === op }, o))),
    h('input', { type: 'text', value: m.value, 'aria-label': `${m.name} value`, oninput: (e) => { m.value = (e.target as HTMLInputElement).value; } }));
}

function silenceForm(d: SilenceDraft, ctx: PageContext): HTMLElement {
  const submit = (e: Event) => {
    e.preventDefault();
    let body;
    try {
      body = buildSilence(d, Date.now());
    } catch (err) {
      draftError = (err as Error).message;
      ctx.rerender();
      return;
    }
    localStorage.setItem(CREATED_BY_KEY, body.createdBy);
    send<{ silenceID: string }>('POST', '/api/v2/silences', body).then((res) => {
      draft = undefined;
      draftError = '';
      ctx.notify(`silence ${res?.silenceID ?? ''} created`, 'ok');
      ctx.reload();
    }, (err: Error) => {
      draftError = err.message;
      ctx.rerender();
    });
  };
  const field = (label: string, key: 'duration' | 'createdBy' | 'comment', placeholder: string) =>
    h('label', { class: 'field' }, h('span', null, label),
      h('input', { type: 'text', name: key, value: d[key], placeholder, oninput: (e) => { d[key] = (e.target as HTMLInputElement).value; } }));
  return card('New silence', [
    h('form', { class: 'silence-form', onsubmit: submit },
      h('div', { class: 'matchers' }, ...d.matchers.map((m) => matcherRow(m, ctx))),
      h('div', { class: 'fields' },
        field('Duration', 'duration', '2h'), field('Created by', 'createdBy', 'your name'), field('Comment', 'comment', 'why, ticket link…')),
      draftError ? h('p', { class: 'error', role: 'alert' }, draftError) : null,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', 'data-create-silence': '' }, 'Create silence'),
        h('button', { type: 'button', onclick: () => { draft = undefined; ctx.rerender(); } }, 'Cancel'))),
  ], { class: 'card silence-card' });
}

function silenceRow(s: Silence, ctx: PageContext): HTMLElement {
  const expire = () => {
    send('DELETE', `/api/v2/silence/${encodeURIComponent(s.id)}`).then(() => { ctx.notify(`silence ${s.id} expired`, 'ok'); ctx.reload(); },
      (err: Error) => ctx.notify(err.message, 'error'));
  };
  const ends = Date.parse(s.endsAt);
  return h('article', { class: 'silence', 'data-key': s.id, 'data-silence-id': s.id },
    h('div', { class: 'alert-head' },
      badge(s.status.state, STATE_LEVEL[s.status.state] ?? ''),
      h('span', { class: 'chips grow' }, ...s.matchers.map((m) => h('code', { class: 'chip' }, matcherText(m)))),
      s.status.state === 'expired' ? null : h('button', { class: 'small', type: 'button', onclick: expire }, 'Expire')),
    h('p', { class: 'muted small' }, s.status.state === 'expired' ? 'ended ' : 'ends ', ago(ends, ctx.now), ` · by ${s.createdBy} · ${s.comment}`));
}

export const alertsPage = definePage<AlertsData>({
  id: 'alerts',
  title: 'Alerts',
  refreshMs: 5000,
  async load() {
    const [am, rules, silences] = await Promise.all([
      getJson<AmAlert[]>('/api/v2/alerts'),
      promApi<{ alerts: RuleAlert[] }>('/api/v1/alerts'),
      getJson<Silence[]>('/api/v2/silences'),
    ]);
    return { alerts: mergeAlerts(am, rules.alerts), silences };
  },
  view({ alerts, silences }, ctx) {
    const groupByText = ctx.params.group ?? 'alertname';
    const showMuted = ctx.params.muted !== 'hide';
    const shown = showMuted ? alerts : alerts.filter((a) => a.state === 'firing' || a.state === 'pending');
    const groups = groupAlerts(shown, parseGroupBy(groupByText));
    const controls = h('form', { class: 'controls', onsubmit: (e) => {
      e.preventDefault();
      const f = e.target as HTMLFormElement;
      ctx.navigate({ ...ctx.params, group: (f.elements.namedItem('group') as HTMLInputElement).value });
    } },
    h('label', { class: 'field inline' }, h('span', null, 'Group by'), h('input', { type: 'text', name: 'group', value: groupByText, placeholder: 'alertname, service_name' })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', checked: showMuted, onchange: (e) => ctx.navigate({ ...ctx.params, muted: (e.target as HTMLInputElement).checked ? '' : 'hide' }) }), 'show silenced and inhibited'));
    const live = silences.filter((s) => s.status.state !== 'expired');
    const expired = silences.filter((s) => s.status.state === 'expired').sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt)).slice(0, 10);
    return [
      draft ? silenceForm(draft, ctx) : null,
      controls,
      groups.length === 0 ? h('section', { class: 'verdict ok' }, h('strong', null, 'Nothing firing or pending.')) : null,
      ...groups.map((g) => h('section', { class: 'card group', 'data-key': g.key },
        h('h2', null, Object.keys(g.labels).length ? labelChips(g.labels) : 'all alerts', ' ',
          ...(['firing', 'pending', 'silenced', 'inhibited'] as const).filter((k) => g.counts[k]).map((k) => badge(`${g.counts[k]} ${k}`, STATE_LEVEL[k]))),
        ...g.alerts.map((a) => alertCard(a, ctx)))),
      card(`Silences (${live.length} active or pending)`, [
        live.length === 0 ? empty('No active silences.') : null,
        ...live.map((s) => silenceRow(s, ctx)),
        expired.length ? h('details', null, h('summary', null, `recently expired (${expired.length})`), ...expired.map((s) => silenceRow(s, ctx))) : null,
      ], { 'data-card': 'silences' }),
    ];
  },
});
