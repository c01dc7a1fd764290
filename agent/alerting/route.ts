/**
 * The routing tree: each node's settings inherit from its parent when unset
 * (receiver, group_by, group_wait, group_interval, repeat_interval; not the
 * time intervals), and an alert takes the first matching child at every level
 * unless that child has `continue: true`, in which case matching goes on with
 * its siblings; a node with no matching child matches itself.
 */
import type { RouteConfig } from './config';
import { goQuote } from '../format/goquote';
import { matchesAll, type Matcher } from './matcher';

/**
 * Lookout's default first-notification wait when no route sets group_wait:
 * 3s, not Alertmanager's 30s. A sidecar's rules run every 5s and hand over
 * every alert of an evaluation at once, so there is little to wait for
 * (a deliberate difference, see README "Seconds by default"); set
 * group_wait: 30s for Alertmanager's timing.
 */
export const DEFAULT_GROUP_WAIT = 3_000;
export const DEFAULT_GROUP_INTERVAL = 5 * 60_000;
export const DEFAULT_REPEAT_INTERVAL = 4 * 3600_000;

const TYPE_ORDER: Record<Matcher['type'], number> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };

/**
 * A route's matchers as Alertmanager prints them in group keys: sorted by
 * name, then value, then type (NewRoute sorts them, labels.Matchers.Less),
 * each `name<op>"value"` with Go's %q quoting, comma-separated in braces.
 * Found by the differential suite: unsorted keys differ from Alertmanager's
 * whenever a route lists matchers out of name order.
 */
export function routeMatchersString(matchers: readonly Matcher[]): string {
  const sorted = [...matchers].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : TYPE_ORDER[a.type] - TYPE_ORDER[b.type]);
  return '{' + sorted.map((m) => `${m.name}${m.type}${goQuote(m.value)}`).join(',') + '}';
}

export class Route {
  readonly receiver: string;
  /** null = '...' (group by every label). */
  readonly groupBy: readonly string[] | null;
  readonly groupWait: number;
  readonly groupInterval: number;
  readonly repeatInterval: number;
  readonly matchers: readonly Matcher[];
  readonly continue: boolean;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
  readonly routes: Route[];
  /** Path of matcher sets from the root, e.g. `{}/{severity="critical"}`; part of every group key. */
  readonly key: string;
  /** Unique id (adds the child index), used to tell sibling routes with equal matchers apart. */
  readonly id: string;

  constructor(cfg: RouteConfig, parent?: Route, index = 0) {
    this.receiver = cfg.receiver ?? parent?.receiver ?? '';
    // An empty `group_by: []` inherits, as in Alertmanager (its GroupBy stays nil); found by the differential suite.
    this.groupBy = cfg.group_by?.length ? (cfg.group_by.includes('...') ? null : [...cfg.group_by].sort()) : (parent ? parent.groupBy : []);
    this.groupWait = cfg.group_wait ?? parent?.groupWait ?? DEFAULT_GROUP_WAIT;
    this.groupInterval = cfg.group_interval ?? parent?.groupInterval ?? DEFAULT_GROUP_INTERVAL;
    this.repeatInterval = cfg.repeat_interval ?? parent?.repeatInterval ?? DEFAULT_REPEAT_INTERVAL;
    this.matchers = cfg.matchers;
    this.continue = cfg.continue;
    this.muteTimeIntervals = cfg.mute_time_intervals;
    this.activeTimeIntervals = cfg.active_time_intervals;
    const own = routeMatchersString(cfg.matchers);
    this.key = parent ? `${parent.key}/${own}` : own;
    this.id = parent ? `${parent.id}/${own}/${index}` : own;
    this.routes = cfg.routes.map((c, i) => new Route(c, this, i));
  }

  /** The routes an alert with these labels goes to, in tree order. */
  match(labels: Record<string, string>): Route[] {
    if (!matchesAll(this.matchers, labels)) return [];
    const all: Route[] = [];
    for (const child of this.routes) {
      const m = child.match(labels);
      all.push(...m);
      if (m.length > 0 && !child.continue) break;
    }
    if (all.length === 0) all.push(this);
    return all;
  }

  /** The labels that define this alert's group on this route. */
  groupLabels(labels: Record<string, string>): Record<string, string> {
    if (this.groupBy === null) return { ...labels };
    const out: Record<string, string> = {};
    for (const name of this.groupBy) if (labels[name] !== undefined) out[name] = labels[name];
    return out;
  }
}
