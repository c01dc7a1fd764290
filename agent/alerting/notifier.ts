/**
 * The alerting component: Alertmanager's semantics inside the agent. Rule
 * evaluation hands alerts to send() (an AlertSink); they are forwarded to
 * any configured real Alertmanagers and dispatched locally through the
 * route tree, grouping, inhibition, silences and time intervals to the
 * receivers. send() never blocks: forwarding and deliveries run async, each
 * integration on its own, so a failing receiver delays neither the others
 * nor rule evaluation. State (notification log, silences) lives in
 * alerting.db under the host's storage dir.
 */
import type { Logger } from 'pino';
import type { GoRegexp } from '../regex';
import type { Component, Host } from '../component/component';
import { Delivery, DEFAULT_DELIVERY, type DeliverySettings } from '../notify/delivery';
import { EmailIntegration } from '../notify/email';
import type { FetchFn } from '../notify/http';
import type { Integration } from '../notify/integration';
import { PagerdutyIntegration } from '../notify/pagerduty';
import { SlackIntegration } from '../notify/slack';
import { SlackRateLimiter, type SlackRateSettings } from '../notify/slack-rate';
import { NotificationTemplates, TemplateHolder } from '../templates/notification';
import { createNotifyTelemetry, type NotifyTelemetry } from '../notify/telemetry';
import { WebhookIntegration } from '../notify/webhook';
import { fromPostable, isResolved, type Alert } from './alert';
import { groupKey } from './key';
import type { AlertingConfig } from './config';
import { openAlertingDb, type AlertingDb } from './db';
import { Dispatcher } from './dispatcher';
import { AlertmanagerForwarder } from './forward';
import { Inhibitor } from './inhibit';
import { NotificationLog } from './nflog';
import type { Matcher } from './matcher';
import { matchesAll } from './matcher';
import { NotifierLimits } from './limits';
import { AlertingMetrics } from './metric';
import { NotifyPipeline, type ReceiverRuntime } from './pipeline';
import type { Route } from './route';
import { Silences } from './silence';
import { TimeIntervals } from './timeinterval';
import { realClock, realTimers, type Clock, type Timers, type TimerHandle } from './timer';
import type { AlertSink, PostableAlert } from './types';
import { externalUrlFor } from './external-url';
import { rootRoute, usesBuiltinLog, withBuiltinLog } from './builtin-log';

export interface NotifierOptions {
  /** The clock group timers, silences and resolve times read (tests inject a fake one). */
  now?: Clock;
  /** The timer factory aggregation groups run on (tests inject a fake one). */
  timers?: Timers;
  fetch?: FetchFn;
  /** Directory *_file paths resolve against (the config file's directory); default: cwd. */
  baseDir?: string;
  /** Retry/timeout/breaker settings of every delivery (tests shorten them). */
  delivery?: Partial<DeliverySettings>;
}

/** GET /api/v2/alerts query: Alertmanager's filter, active, silenced, inhibited and receiver parameters. */
export interface AlertFilter {
  matchers?: readonly Matcher[];
  active?: boolean;
  silenced?: boolean;
  inhibited?: boolean;
  /** Anchored regex on receiver names. */
  receiver?: GoRegexp;
}

/** Where POST /api/v1/alerts/test went. */
export interface TestAlertResult {
  labels: Record<string, string>;
  receivers: string[];
  /** Set when the alert reached no integration and no Alertmanager: nobody was told. */
  warning?: string;
  routes: { receiver: string; route: string; groupKey: string; groupBy: string[]; continue: boolean }[];
  alertmanagers: number;
}

export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL: string;
  fingerprint: string;
  receivers: { name: string }[];
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

export interface GettableAlertGroup {
  labels: Record<string, string>;
  receiver: { name: string };
  alerts: GettableAlert[];
}

function slackRate(c: AlertingConfig): SlackRateSettings {
  const r = c.slack_rate_limit;
  return { messagesPerSecond: r.messages_per_second, maxQueued: r.max_queued, maxRetryAfterMs: r.max_retry_after };
}

/** Alertmanager's model.LabelSet.Before: fewer labels first, then by the first differing name/value in name order. */
function labelSetBefore(a: Record<string, string>, b: Record<string, string>): number {
  const an = Object.keys(a);
  const bn = Object.keys(b);
  if (an.length !== bn.length) return an.length - bn.length;
  for (const n of [...an, ...bn].sort()) {
    if (!(n in a)) return -1;
    if (!(n in b)) return 1;
    if (a[n] !== b[n]) return a[n] < b[n] ? -1 : 1;
  }
  return 0;
}

/** Alertmanager's types.AlertSlice order: by job, then instance (alerts with the label first), then LabelSet.Before. */
function alertOrder(a: Record<string, string>, b: Record<string, string>): number {
  for (const k of ['job', 'instance']) {
    const ai = k in a;
    const bi = k in b;
    if (!ai && !bi) continue;
    if (!ai) return 1;
    if (!bi) return -1;
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return labelSetBefore(a, b);
}

/** How often silences and the notification log drop expired entries. */
const MAINTENANCE_INTERVAL_MS = 15 * 60_000;

export class Notifier implements Component, AlertSink {
  readonly id = 'alerting';
  private readonly now: Clock;
  private readonly timers: Timers;
  private readonly fetchFn: FetchFn;
  private readonly baseDir: string;
  private readonly delivery: DeliverySettings;
  private root?: Route;
  private readonly abort = new AbortController();
  private logger?: Logger;
  private db?: AlertingDb;
  private nflog?: NotificationLog;
  private silenceStore?: Silences;
  private dispatcher?: Dispatcher;
  private pipeline?: NotifyPipeline;
  private forwarder?: AlertmanagerForwarder;
  private maintenance?: TimerHandle;
  private metrics?: AlertingMetrics;
  private inhibitor?: Inhibitor;
  private telemetry?: NotifyTelemetry;
  private startedAt = 0;
  private readonly templates: TemplateHolder;
  private slackPacer?: SlackRateLimiter;
  private readonly limits = new NotifierLimits(() => this.config.limits, () => this.metrics, () => this.logger, () => this.now());
  /** The admin server's bound address (links in notifications), from the host. */
  private adminAddress?: Host['adminAddress'];
  /** Integrations per receiver name (alerts/test tells a receiver without any apart). */
  private integrationCount = new Map<string, number>();
  private started = false;
  private stopped = false;

  constructor(public config: AlertingConfig, options: NotifierOptions = {}) {
    this.now = options.now ?? realClock;
    this.timers = options.timers ?? realTimers;
    this.fetchFn = options.fetch ?? ((...args) => fetch(...args));
    this.baseDir = options.baseDir ?? process.cwd();
    this.delivery = { ...DEFAULT_DELIVERY, ...options.delivery };
    // Template files are read and parsed now, so a broken one stops startup (and a reload) with its name.
    this.templates = new TemplateHolder(NotificationTemplates.load(config.templates, this.baseDir, config.template_max_output_chars));
    this.root = rootRoute(config);
  }

  /** True when alerts are routed to receivers (the configured route, or the built-in log receiver). */
  get routing(): boolean {
    return this.root !== undefined;
  }

  /** No route and no Alertmanager configured: alerts go to the built-in `log` receiver (stdout). */
  get builtinLog(): boolean {
    return usesBuiltinLog(this.config);
  }

  private externalURL(): string {
    return externalUrlFor(this.config.external_url, this.adminAddress?.());
  }

  private buildIntegrations(): Map<string, Integration[]> {
    const byReceiver = new Map<string, Integration[]>();
    const g = this.config.global;
    for (const r of this.config.receivers) {
      byReceiver.set(r.name, [
        ...r.slack_configs.map((c, i) => new SlackIntegration(c, g, i, this.fetchFn, this.baseDir, this.templates, this.slackPacer)),
        ...r.email_configs.map((c, i) => new EmailIntegration(c, g, i, this.baseDir, this.templates)),
        ...r.pagerduty_configs.map((c, i) => new PagerdutyIntegration(c, g, i, this.fetchFn, this.baseDir, this.templates)),
        ...r.webhook_configs.map((c, i) => new WebhookIntegration(c, i, this.fetchFn, this.baseDir)),
      ]);
    }
    return byReceiver;
  }

  async start(host: Host): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    this.logger = host.logger.child({ component: this.id });
    this.adminAddress = host.adminAddress;
    const telemetry: NotifyTelemetry = createNotifyTelemetry(host.meter);
    this.db = openAlertingDb(host.storageDir, { logger: this.logger, meter: host.meter });
    this.nflog = new NotificationLog(this.db);
    this.silenceStore = new Silences(this.db, this.now, this.limits.silenceOptions());
    this.startedAt = this.now();
    this.telemetry = telemetry;
    this.forwarder = new AlertmanagerForwarder(this.config.alertmanagers, this.delivery, this.fetchFn, telemetry, this.logger);
    this.slackPacer = new SlackRateLimiter(slackRate(this.config), { delayed: telemetry.slackDelayed, merged: telemetry.slackMerged }, this.logger);
    const receivers = this.buildRouting();
    this.metrics = new AlertingMetrics(host.meter, {
      alerts: () => this.countAlerts(),
      aggregationGroups: () => this.dispatcher?.groupsList().length ?? 0,
      silences: () => this.silenceStore?.countByState() ?? { active: 0, pending: 0, expired: 0 },
    });
    this.scheduleMaintenance();
    this.logger.info({ routing: this.routing, builtinLog: this.builtinLog, receivers: receivers.size, alertmanagers: this.config.alertmanagers.length }, 'alerting started');
  }

  /** Receivers, time intervals, inhibition, pipeline and dispatcher from this.config (start and reload). */
  private buildRouting(): Map<string, ReceiverRuntime> {
    const receivers = new Map<string, ReceiverRuntime>();
    const integrationsByReceiver = withBuiltinLog(this.config, this.buildIntegrations(), this.logger!);
    this.integrationCount = new Map([...integrationsByReceiver].map(([name, list]) => [name, list.length]));
    for (const [name, integrations] of integrationsByReceiver) {
      receivers.set(name, { name, deliveries: integrations.map((i) => new Delivery(name, i, this.delivery, this.telemetry!, this.logger!)) });
    }
    const intervals = new TimeIntervals(new Map(this.config.time_intervals.map((t) => [t.name, t.time_intervals])));
    let dispatcher: Dispatcher | undefined;
    const inhibitor = new Inhibitor(this.config.inhibit_rules, () => dispatcher?.alerts() ?? [], this.now);
    this.pipeline = this.root ? new NotifyPipeline({
      receivers, nflog: this.nflog!, silences: this.silenceStore!, inhibitor, timeIntervals: intervals, now: this.now,
      externalURL: this.externalURL(), logger: this.logger!, signal: this.abort.signal,
    }) : undefined;
    dispatcher = new Dispatcher(this.root, this.pipeline, this.now, this.timers, this.limits.dispatcherLimits());
    this.dispatcher = dispatcher;
    this.inhibitor = inhibitor;
    return receivers;
  }

  /**
   * Reload, as Alertmanager reloads: a new route tree, receivers, inhibition
   * rules, time intervals and forwarding targets; the alerts are handed to
   * the new dispatcher (groups start over with group_wait, the notification
   * log keeps already-sent ones from going out again); silences, the
   * notification log and forwarding queues of unchanged targets stay.
   * Flushes in flight finish on the old pipeline.
   */
  applyConfig(config: AlertingConfig): void {
    this.templates.current = NotificationTemplates.load(config.templates, this.baseDir, config.template_max_output_chars);
    this.config = config;
    this.root = rootRoute(config);
    if (!this.started || this.stopped) return;
    const alerts = this.dispatcher?.alerts() ?? [];
    this.dispatcher?.stop();
    this.forwarder!.reconfigure(config.alertmanagers);
    this.slackPacer?.reconfigure(slackRate(config));
    const receivers = this.buildRouting();
    this.dispatcher!.put(alerts);
    this.logger?.info({ routing: this.routing, receivers: receivers.size, alertmanagers: config.alertmanagers.length, alerts: alerts.length }, 'alerting config applied');
  }

  private scheduleMaintenance(): void {
    this.maintenance = this.timers.setTimeout(() => {
      if (this.stopped) return;
      this.nflog?.gc(this.now());
      this.silenceStore?.gc();
      this.dispatcher?.gc();
      this.scheduleMaintenance();
    }, MAINTENANCE_INTERVAL_MS);
  }

  /** AlertSink: returns at once; forwarding and notification happen in the background. */
  send(alerts: PostableAlert[]): void {
    if (!this.started || this.stopped) return;
    this.forwarder!.enqueue(alerts);
    // Stored even when nothing routes them: GET /api/v2/alerts lists every alert, as Alertmanager does.
    this.dispatcher!.put(this.convert(alerts));
  }

  private convert(alerts: PostableAlert[]): Alert[] {
    const now = this.now();
    const out: Alert[] = [];
    for (const p of alerts) {
      try {
        const a = fromPostable(p, now, this.config.global.resolve_timeout);
        this.metrics?.received.add(1, { status: isResolved(a, now) ? 'resolved' : 'firing' });
        out.push(a);
      } catch (err) {
        this.metrics?.invalid.add(1);
        this.logger?.warn({ labels: p.labels, err: (err as Error).message }, 'dropping invalid alert');
      }
    }
    return out;
  }

  private countAlerts(): { active: number; suppressed: number } {
    const out = { active: 0, suppressed: 0 };
    if (!this.dispatcher) return out;
    const now = this.now();
    for (const a of this.dispatcher.alerts()) {
      if (isResolved(a, now)) continue;
      if (this.silenceStore!.silencedBy(a.labels).length || this.inhibitor!.inhibitedBy(a.labels, a.fingerprint).length) out.suppressed++;
      else out.active++;
    }
    return out;
  }

  /** Silences of this notifier (API); throws before start. */
  silences(): Silences {
    if (!this.silenceStore) throw new Error('alerting is not started');
    return this.silenceStore;
  }

  /** Alertmanager API v2 GET /api/v2/alerts: alerts not yet resolved, filtered as Alertmanager filters them. */
  listAlerts(filter: AlertFilter = {}): GettableAlert[] {
    if (!this.dispatcher) return [];
    const now = this.now();
    const out: GettableAlert[] = [];
    for (const a of this.dispatcher.alerts()) {
      if (isResolved(a, now)) continue;
      if (filter.matchers && !matchesAll(filter.matchers, a.labels)) continue;
      const receivers = [...new Set((this.root?.match(a.labels) ?? []).map((r) => r.receiver))];
      if (filter.receiver && !receivers.some((r) => filter.receiver!.test(r))) continue;
      const silencedBy = this.silenceStore!.silencedBy(a.labels);
      const inhibitedBy = this.inhibitor!.inhibitedBy(a.labels, a.fingerprint);
      const suppressed = silencedBy.length > 0 || inhibitedBy.length > 0;
      if (filter.active === false && !suppressed) continue;
      if (filter.silenced === false && silencedBy.length > 0) continue;
      if (filter.inhibited === false && inhibitedBy.length > 0) continue;
      out.push({
        labels: a.labels,
        annotations: a.annotations,
        startsAt: new Date(a.startsAt).toISOString(),
        endsAt: new Date(a.endsAt).toISOString(),
        updatedAt: new Date(a.updatedAt).toISOString(),
        generatorURL: a.generatorURL,
        fingerprint: a.fingerprint,
        receivers: receivers.map((name) => ({ name })),
        status: { state: suppressed ? 'suppressed' : 'active', silencedBy, inhibitedBy },
      });
    }
    return out;
  }

  /**
   * Reads the `templates:` files again (a reload whose alerting section is
   * unchanged: Alertmanager re-reads its templates on every reload). Throws
   * NotificationTemplateError and keeps the old set when a file is bad.
   */
  reloadTemplates(): void {
    this.templates.current = NotificationTemplates.load(this.config.templates, this.baseDir, this.config.template_max_output_chars);
  }

  /**
   * Alertmanager API v2 GET /api/v2/alerts/groups: the aggregation groups
   * with their alerts that pass the filter (groups left empty are omitted),
   * ordered as Alertmanager orders them: by group labels (LabelSet.Before),
   * then receiver; alerts by job, instance, then labels.
   */
  listAlertGroups(filter: AlertFilter = {}): GettableAlertGroup[] {
    if (!this.dispatcher) return [];
    const byFp = new Map(this.listAlerts({ ...filter, receiver: undefined }).map((a) => [a.fingerprint, a]));
    const out: GettableAlertGroup[] = [];
    for (const g of this.dispatcher.groupsList()) {
      if (filter.receiver && !filter.receiver.test(g.route.receiver)) continue;
      const alerts = g.list().map((a) => byFp.get(a.fingerprint)).filter((a): a is GettableAlert => a !== undefined);
      if (alerts.length === 0) continue;
      alerts.sort((a, b) => alertOrder(a.labels, b.labels));
      out.push({ labels: g.groupLabels, receiver: { name: g.route.receiver }, alerts });
    }
    return out.sort((a, b) => labelSetBefore(a.labels, b.labels) || (a.receiver.name < b.receiver.name ? -1 : a.receiver.name > b.receiver.name ? 1 : 0));
  }

  /** Alertmanager API v2 GET /api/v2/receivers: the configured receivers, in config order. */
  receiverNames(): string[] {
    return this.config.receivers.map((r) => r.name);
  }

  /**
   * Sends alertname=LookoutTestAlert (labels and annotations from the
   * caller) through the real routing and forwarding, as if rule evaluation
   * had sent it; answers where it went. It resolves after resolve_timeout.
   */
  testAlert(labels: Record<string, string>, annotations: Record<string, string>): TestAlertResult {
    if (!this.dispatcher) throw new Error('alerting is not started');
    const now = this.now();
    const posted: PostableAlert = {
      labels: { ...labels, alertname: 'LookoutTestAlert' },
      annotations: { summary: 'Test alert sent by Lookout to check notification routing', ...annotations },
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + this.config.global.resolve_timeout).toISOString(),
    };
    const alert = fromPostable(posted, now, this.config.global.resolve_timeout);
    if (this.routing) this.limits.admitTestAlert(this.dispatcher, alert.fingerprint);
    this.forwarder?.enqueue([{ ...posted, labels: alert.labels }]);
    const routes = this.dispatcher.put([alert])[0];
    const receivers = [...new Set(routes.map((r) => r.receiver))];
    const reached = receivers.filter((r) => (this.integrationCount.get(r) ?? 0) > 0);
    const alertmanagers = this.config.alertmanagers.length;
    return {
      labels: alert.labels,
      receivers,
      ...(reached.length === 0 && alertmanagers === 0 ? {
        warning: receivers.length
          ? `the test alert reached no receiver: ${receivers.join(', ')} ${receivers.length === 1 ? 'has' : 'have'} no *_configs (add a webhook_configs, slack_configs, email_configs or pagerduty_configs entry)`
          : 'the test alert reached no receiver: add alerting.route and alerting.receivers, or alerting.alertmanagers',
      } : {}),
      routes: routes.map((r) => {
        const gl = r.groupLabels(alert.labels);
        return { receiver: r.receiver, route: r.key, groupKey: groupKey(r.key, gl), groupBy: r.groupBy === null ? ['...'] : [...r.groupBy], continue: r.continue };
      }),
      alertmanagers,
    };
  }

  /** When start() ran, by the notifier's clock (GET /api/v2/status uptime). */
  get startTime(): number {
    return this.startedAt;
  }

  /** The notifier's clock (API answers use it for silence states). */
  currentTime(): number {
    return this.now();
  }

  /** Resolves when no notification flush and no forwarding is in flight (tests). */
  async settled(): Promise<void> {
    await this.dispatcher?.settled();
    await this.forwarder?.idle();
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.maintenance) this.timers.clearTimeout(this.maintenance);
    this.metrics?.close();
    this.dispatcher?.stop();
    this.abort.abort();
    this.slackPacer?.close();
    await this.dispatcher?.settled();
    await this.forwarder?.close();
    this.db?.close();
    this.logger?.info('alerting stopped');
  }
}
