/**
 * Random alertmanager.yml files and alert sequences for the differential
 * suite (fast-check arbitraries over a small label universe, so routes,
 * inhibitions and groups actually collide): routing trees with `continue`,
 * `group_by` (names or `...`), matchers of all four kinds in both syntaxes
 * (`matchers:` and legacy `match`/`match_re`), inhibit rules with `equal`,
 * mute/active time intervals that are always or never active (so the answer
 * does not depend on when the test runs), and webhook receivers with
 * `max_alerts` and `send_resolved`.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

export const LABELS: Record<string, string[]> = {
  alertname: ['A', 'B', 'C'],
  severity: ['critical', 'warning', 'info'],
  team: ['db', 'web', 'ops'],
  env: ['prod', 'dev'],
  instance: ['i1', 'i2', 'i3'],
};
const NAMES = Object.keys(LABELS);
/** Regexes over the universe's values: alternations, classes, case folding, the empty match. */
const REGEXES = ['crit.*', 'db|web', '(?i)PROD', 'i[12]', '.*', '.+', '', 'w.*|i.*', '[a-c]'];
const RECEIVERS = ['r0', 'r1', 'r2', 'r3'];
/**
 * Time intervals whose answer cannot change during a scenario (a minute or
 * so): always / never, and ones computed from the current wall clock in UTC
 * and in Europe/Berlin (today's weekday, day of month and month; this hour;
 * another weekday; another hour), so both implementations read the real
 * clock, zones, weekday/month names and ranges. Only a run crossing
 * midnight (UTC for `today`, Berlin for the hours) could see one change.
 */
export function timeIntervals(now = new Date()): { name: string; time_intervals: Record<string, unknown>[] }[] {
  const parts = (zone: string) => Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: zone, weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', hourCycle: 'h23',
  }).formatToParts(now).map((p) => [p.type, p.value.toLowerCase()]));
  const utc = parts('UTC');
  const ber = parts('Europe/Berlin');
  const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  const otherDay = days[(days.indexOf(utc.weekday) + 3) % 7];
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  const berHour = Number(ber.hour);
  return [
    { name: 'always', time_intervals: [{ weekdays: ['sunday:saturday'] }] },
    { name: 'never', time_intervals: [{ years: ['2000:2001'] }] },
    { name: 'today', time_intervals: [{ weekdays: [utc.weekday], days_of_month: [utc.day], months: [utc.month] }] },
    { name: 'other_day', time_intervals: [{ weekdays: [otherDay] }, { days_of_month: [String(((Number(utc.day) + 14) % 28) + 1)], months: [utc.month] }] },
    { name: 'last_days', time_intervals: [{ days_of_month: ['-3:-1'], months: ['january:december'] }] },
    // Two hours wide (this one and the next, up to 24:00), so the answer holds across an hour boundary.
    { name: 'this_hour_berlin', time_intervals: [{ times: [{ start_time: hh(Math.min(berHour, 22)), end_time: hh(Math.min(berHour, 22) + 2) }], location: 'Europe/Berlin' }] },
    { name: 'other_hour_berlin', time_intervals: [{ times: [{ start_time: hh((berHour + 2) % 22), end_time: hh(((berHour + 2) % 22) + 1) }], location: 'Europe/Berlin' }] },
  ];
}
const INTERVAL_NAMES = timeIntervals().map((t) => t.name);

export interface GenMatcher { name: string; type: '=' | '!=' | '=~' | '!~'; value: string }

export interface GenRoute {
  receiver?: string;
  group_by?: string[];
  matchers: GenMatcher[];
  /** Write the matchers as legacy match/match_re (only = and =~ qualify). */
  legacy: boolean;
  continue: boolean;
  mute?: string;
  active?: string;
  routes: GenRoute[];
}

export interface GenInhibit { source: GenMatcher[]; target: GenMatcher[]; equal: string[] }
export interface GenReceiver { name: string; maxAlerts: number; sendResolved: boolean }
export interface GenConfig { route: GenRoute; receivers: GenReceiver[]; inhibit: GenInhibit[] }

const matcherArb: fc.Arbitrary<GenMatcher> = fc.constantFrom(...NAMES).chain((name) => fc.oneof(
  fc.record({ name: fc.constant(name), type: fc.constantFrom('=' as const, '!=' as const), value: fc.constantFrom(...LABELS[name], '') }),
  fc.record({ name: fc.constant(name), type: fc.constantFrom('=~' as const, '!~' as const), value: fc.constantFrom(...REGEXES) }),
));

const groupByArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(['...']) as fc.Arbitrary<string[]> },
  { weight: 4, arbitrary: fc.subarray(NAMES, { minLength: 0, maxLength: 3 }) },
);

/** Undefined four times out of five. */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

function routeArb(depth: number): fc.Arbitrary<GenRoute> {
  return fc.record({
    receiver: fc.option(fc.constantFrom(...RECEIVERS), { nil: undefined }),
    group_by: fc.option(groupByArb, { nil: undefined }),
    matchers: fc.array(matcherArb, { minLength: 0, maxLength: 2 }),
    legacy: fc.boolean(),
    continue: fc.boolean(),
    mute: rarely(fc.constantFrom(...INTERVAL_NAMES)),
    active: rarely(fc.constantFrom(...INTERVAL_NAMES)),
    routes: depth > 0 ? fc.array(routeArb(depth - 1), { maxLength: 3 }) : fc.constant([]),
  });
}

export const configArb: fc.Arbitrary<GenConfig> = fc.record({
  route: fc.record({ group_by: groupByArb, routes: fc.array(routeArb(2), { minLength: 1, maxLength: 4 }) }).map(({ group_by, routes }) => ({
    receiver: 'r0', group_by, matchers: [], legacy: false, continue: false, routes,
  })),
  receivers: fc.tuple(...RECEIVERS.map((name) => fc.record({
    name: fc.constant(name),
    maxAlerts: fc.constantFrom(0, 0, 1, 2),
    sendResolved: fc.boolean(),
  }))),
  inhibit: fc.array(fc.record({
    source: fc.array(matcherArb, { minLength: 1, maxLength: 2 }),
    target: fc.array(matcherArb, { minLength: 1, maxLength: 2 }),
    equal: fc.subarray(NAMES.filter((n) => n !== 'alertname'), { maxLength: 2 }),
  }), { maxLength: 2 }),
});

export function labelSetArb(): fc.Arbitrary<Record<string, string>> {
  return fc.record(Object.fromEntries(NAMES.map((n) => [n, fc.constantFrom(...LABELS[n])])), {
    requiredKeys: ['alertname'],
  }) as fc.Arbitrary<Record<string, string>>;
}

function matcherText(m: GenMatcher): string {
  return `${m.name}${m.type}${JSON.stringify(m.value)}`;
}

function routeYaml(r: GenRoute, timers?: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.receiver) out.receiver = r.receiver;
  if (r.group_by) out.group_by = r.group_by;
  if (timers) Object.assign(out, timers);
  const legacyOk = r.legacy && r.matchers.every((m) => m.type === '=' || m.type === '=~') && new Set(r.matchers.map((m) => m.name)).size === r.matchers.length;
  if (legacyOk && r.matchers.length) {
    const match = Object.fromEntries(r.matchers.filter((m) => m.type === '=').map((m) => [m.name, m.value]));
    const matchRe = Object.fromEntries(r.matchers.filter((m) => m.type === '=~').map((m) => [m.name, m.value]));
    if (Object.keys(match).length) out.match = match;
    if (Object.keys(matchRe).length) out.match_re = matchRe;
  } else if (r.matchers.length) {
    out.matchers = r.matchers.map(matcherText);
  }
  if (r.continue) out.continue = true;
  if (r.mute) out.mute_time_intervals = [r.mute];
  if (r.active) out.active_time_intervals = [r.active];
  if (r.routes.length) out.routes = r.routes.map((c) => routeYaml(c));
  return out;
}

export interface YamlOptions {
  /** Webhook URL of receiver `name`. */
  webhookUrl: (receiver: string) => string;
  /** group_wait / group_interval / repeat_interval of the root route. */
  timers?: Record<string, string>;
  /** Lookout-only keys (external_url) appended for Lookout's copy. */
  extra?: Record<string, unknown>;
}

/** The alertmanager.yml text both sides load (Lookout's copy adds `extra`). */
export function configYaml(c: GenConfig, o: YamlOptions): string {
  const doc: Record<string, unknown> = {
    route: routeYaml(c.route, o.timers),
    receivers: c.receivers.map((r) => ({
      name: r.name,
      webhook_configs: [{ url: o.webhookUrl(r.name), send_resolved: r.sendResolved, ...(r.maxAlerts ? { max_alerts: r.maxAlerts } : {}) }],
    })),
    time_intervals: timeIntervals(),
  };
  if (c.inhibit.length) {
    doc.inhibit_rules = c.inhibit.map((i) => ({
      source_matchers: i.source.map(matcherText),
      target_matchers: i.target.map(matcherText),
      ...(i.equal.length ? { equal: i.equal } : {}),
    }));
  }
  Object.assign(doc, o.extra ?? {});
  return stringify(doc);
}

/** One step of an alert sequence: which pool alerts fire (again) and which resolve, at this instant. */
export interface GenStep { fire: number[]; resolve: number[]; /** Pool alerts whose annotation changes when fired. */ annotate: number[] }
export interface GenScenario { config: GenConfig; pool: Record<string, string>[]; steps: GenStep[] }

export const scenarioArb: fc.Arbitrary<GenScenario> = fc.record({
  config: configArb,
  pool: fc.uniqueArray(labelSetArb(), { minLength: 2, maxLength: 6, selector: (l) => JSON.stringify(Object.entries(l).sort()) }),
}).chain(({ config, pool }) => {
  const idx = fc.subarray(pool.map((_, i) => i));
  return fc.record({
    config: fc.constant(config),
    pool: fc.constant(pool),
    steps: fc.array(fc.record({ fire: idx, resolve: idx, annotate: idx }), { minLength: 2, maxLength: 3 })
      // An alert is fired or resolved in a step, not both.
      .map((steps) => steps.map((s) => ({ ...s, resolve: s.resolve.filter((i) => !s.fire.includes(i)) })))
      // Most of the pool fires first, so groups, inhibitions and truncation have something to work on.
      .map((steps) => [{ fire: pool.map((_, i) => i).filter((i) => i % 4 !== 3), resolve: [], annotate: [] }, ...steps]),
  });
});
