/**
 * The loaded alerting config printed back as alertmanager.yml (GET
 * /api/v2/status `config.original`, what `amtool config show` prints):
 * durations in Prometheus notation, matchers in Alertmanager syntax, time
 * ranges as written, and every secret (passwords, webhook and Slack URLs,
 * routing keys, credentials, forwarding headers, URL userinfo) replaced by
 * `<secret>`, as Alertmanager does, so the admin API never leaks them: the
 * masking follows the schema's secret() marking, not a list kept here.
 */
import { stringify } from 'yaml';
import { formatDuration } from '../config/duration';
import { alertingConfigSchema, type AlertingConfig, type HttpConfig, type ReceiverConfig, type RouteConfig } from './config';
import { maskBySchema } from '../config/secret';
import { matcherString, type Matcher } from './matcher';
import type { Range, TimeIntervalSpec } from './timeinterval';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function dur(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : formatDuration(ms);
}

function matchers(ms: readonly Matcher[]): string[] | undefined {
  return ms.length ? ms.map(matcherString) : undefined;
}

function nonEmpty<T>(xs: readonly T[]): readonly T[] | undefined {
  return xs.length ? xs : undefined;
}

function route(r: RouteConfig): Record<string, unknown> {
  return {
    receiver: r.receiver,
    group_by: r.group_by,
    group_wait: dur(r.group_wait),
    group_interval: dur(r.group_interval),
    repeat_interval: dur(r.repeat_interval),
    matchers: matchers(r.matchers),
    continue: r.continue || undefined,
    mute_time_intervals: nonEmpty(r.mute_time_intervals),
    active_time_intervals: nonEmpty(r.active_time_intervals),
    routes: r.routes.length ? r.routes.map(route) : undefined,
  };
}

function http(h: HttpConfig | undefined): Record<string, unknown> | undefined {
  if (!h) return undefined;
  return {
    authorization: h.authorization && { type: h.authorization.type, credentials: h.authorization.credentials, credentials_file: h.authorization.credentials_file },
    basic_auth: h.basic_auth && { username: h.basic_auth.username, password: h.basic_auth.password, password_file: h.basic_auth.password_file },
    follow_redirects: h.follow_redirects,
  };
}

function receiver(r: ReceiverConfig): Record<string, unknown> {
  return {
    name: r.name,
    slack_configs: nonEmpty(r.slack_configs.map((c) => ({ ...c, http_config: http(c.http_config) }))),
    email_configs: nonEmpty(r.email_configs),
    pagerduty_configs: nonEmpty(r.pagerduty_configs.map((c) => ({ ...c, http_config: http(c.http_config) }))),
    webhook_configs: nonEmpty(r.webhook_configs.map((c) => ({ ...c, http_config: http(c.http_config) }))),
  };
}

function ranges(rs: Range[] | undefined, names?: string[], offset = 0): string[] | undefined {
  const name = (n: number) => (names ? names[n - offset] : String(n));
  return rs?.map((r) => (r.begin === r.end ? name(r.begin) : `${name(r.begin)}:${name(r.end)}`));
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function spec(t: TimeIntervalSpec): Record<string, unknown> {
  return {
    times: t.times?.map((r) => ({ start_time: clock(r.begin), end_time: clock(r.end) })),
    weekdays: ranges(t.weekdays, WEEKDAYS),
    days_of_month: ranges(t.daysOfMonth),
    months: ranges(t.months, MONTHS, 1),
    years: ranges(t.years),
    location: t.location,
  };
}

/** The rendered document has alertmanager.yml's shape, so the schema's secret() marking masks it generically (see config/secret.ts). */
export function renderAlertingConfig(c: AlertingConfig): string {
  const doc = {
    global: {
      ...c.global,
      resolve_timeout: dur(c.global.resolve_timeout),
    },
    route: c.route && route(c.route),
    receivers: nonEmpty(c.receivers.map(receiver)),
    inhibit_rules: nonEmpty(c.inhibit_rules.map((r) => ({
      source_matchers: matchers(r.source_matchers), target_matchers: matchers(r.target_matchers), equal: nonEmpty(r.equal),
    }))),
    time_intervals: nonEmpty(c.time_intervals.map((t) => ({ name: t.name, time_intervals: t.time_intervals.map(spec) }))),
    templates: nonEmpty(c.templates),
    alertmanagers: nonEmpty(c.alertmanagers.map((a) => ({
      url: a.url,
      timeout: dur(a.timeout),
      headers: Object.keys(a.headers).length ? a.headers : undefined,
    }))),
    external_url: c.external_url,
  };
  return stringify(maskBySchema(alertingConfigSchema, doc));
}
