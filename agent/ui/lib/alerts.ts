/**
 * The Alerts page's model: firing alerts from the notifier
 * (GET /api/v2/alerts, with silenced/inhibited state) merged with pending
 * ones from the rules (GET /api/v1/alerts, which the notifier never sees),
 * grouped by a set of label names like Alertmanager's UI.
 */

/** One alert of GET /api/v2/alerts (Alertmanager's gettableAlert, the fields the page uses). */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  fingerprint?: string;
  receivers?: { name: string }[];
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

/** One alert of GET /api/v1/alerts (Prometheus' rule alerts). */
export interface RuleAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
  value?: string;
}

export type UiAlertState = 'firing' | 'pending' | 'silenced' | 'inhibited';

export interface UiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: UiAlertState;
  /** Milliseconds since the epoch: startsAt (firing) or activeAt (pending). */
  since: number;
  silencedBy: string[];
  inhibitedBy: string[];
  receivers: string[];
}

export interface AlertGroup {
  /** The group_by labels' values (missing ones absent). */
  labels: Record<string, string>;
  key: string;
  alerts: UiAlert[];
  counts: Record<UiAlertState, number>;
}

/** A stable identity of a label set (sorted name=value pairs). */
export function labelsKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

function timeOf(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : 0;
}

/**
 * The notifier's view wins for alerts it holds (it knows silences and
 * inhibitions); rule alerts add the pending ones, and firing ones the
 * notifier has not received yet.
 */
export function mergeAlerts(am: readonly AmAlert[], rules: readonly RuleAlert[]): UiAlert[] {
  const out = new Map<string, UiAlert>();
  for (const a of am) {
    const { silencedBy = [], inhibitedBy = [] } = a.status ?? {};
    const state: UiAlertState = silencedBy.length ? 'silenced' : inhibitedBy.length ? 'inhibited' : 'firing';
    out.set(labelsKey(a.labels), {
      labels: a.labels, annotations: a.annotations ?? {}, state, since: timeOf(a.startsAt),
      silencedBy, inhibitedBy, receivers: (a.receivers ?? []).map((r) => r.name),
    });
  }
  for (const r of rules) {
    if (r.state === 'inactive') continue;
    const key = labelsKey(r.labels);
    if (out.has(key)) continue;
    out.set(key, {
      labels: r.labels, annotations: r.annotations ?? {}, state: r.state, since: timeOf(r.activeAt),
      silencedBy: [], inhibitedBy: [], receivers: [],
    });
  }
  return [...out.values()];
}

const STATE_ORDER: Record<UiAlertState, number> = { firing: 0, pending: 1, inhibited: 2, silenced: 3 };

function emptyCounts(): Record<UiAlertState, number> {
  return { firing: 0, pending: 0, silenced: 0, inhibited: 0 };
}

/**
 * Groups by the given label names (an empty list: one group). Groups with
 * unsilenced firing alerts come first, then by most firing, then by labels;
 * alerts inside a group by state, then oldest first.
 */
export function groupAlerts(alerts: readonly UiAlert[], groupBy: readonly string[]): AlertGroup[] {
  const groups = new Map<string, AlertGroup>();
  for (const a of alerts) {
    const labels: Record<string, string> = {};
    for (const name of groupBy) if (a.labels[name] !== undefined) labels[name] = a.labels[name];
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels, key, alerts: [], counts: emptyCounts() }));
    g.alerts.push(a);
    g.counts[a.state]++;
  }
  for (const g of groups.values()) {
    g.alerts.sort((x, y) => STATE_ORDER[x.state] - STATE_ORDER[y.state] || x.since - y.since || labelsKey(x.labels).localeCompare(labelsKey(y.labels)));
  }
  return [...groups.values()].sort((x, y) =>
    (y.counts.firing > 0 ? 1 : 0) - (x.counts.firing > 0 ? 1 : 0)
    || y.counts.firing - x.counts.firing
    || x.key.localeCompare(y.key));
}

/** "alertname, service_name" -> ["alertname", "service_name"] (blank entries dropped). */
export function parseGroupBy(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(s));
}
