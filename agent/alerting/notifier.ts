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
import type { Component, Host } from '../component/component';
import { Delivery, DEFAULT_DELIVERY, type DeliverySettings } from '../notify/delivery';
import { EmailIntegration } from '../notify/email';
import type { FetchFn } from '../notify/http';
import type { Integration } from '../notify/integration';
import { PagerdutyIntegration } from '../notify/pagerduty';
import { SlackIntegration } from '../notify/slack';
import { createNotifyTelemetry, type NotifyTelemetry } from '../notify/telemetry';
import { WebhookIntegration } from '../notify/webhook';
import { fromPostable, isResolved, type Alert } from './alert';
import type { AlertingConfig } from './config';
import { openAlertingDb, type AlertingDb } from './db';
import { Dispatcher } from './dispatcher';
import { AlertmanagerForwarder } from './forward';
import { Inhibitor } from './inhibit';
import { NotificationLog } from './nflog';
import { NotifyPipeline, type ReceiverRuntime } from './pipeline';
import { Route } from './route';
import { Silences } from './silence';
import { TimeIntervals } from './timeinterval';
import { realClock, realScheduler, type Clock, type Scheduler, type TimerHandle } from './timer/scheduler';
import type { AlertSink, PostableAlert } from './types';

export interface NotifierOptions {
  now?: Clock;
  scheduler?: Scheduler;
  fetch?: FetchFn;
  /** Directory *_file paths resolve against (the config file's directory); default: cwd. */
  baseDir?: string;
  /** Retry/timeout/breaker settings of every delivery (tests shorten them). */
  delivery?: Partial<DeliverySettings>;
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

/** How often silences and the notification log drop expired entries. */
const MAINTENANCE_INTERVAL_MS = 15 * 60_000;

export class Notifier implements Component, AlertSink {
  readonly id = 'alerting';
  private readonly now: Clock;
  private readonly scheduler: Scheduler;
  private readonly fetchFn: FetchFn;
  private readonly baseDir: string;
  private readonly delivery: DeliverySettings;
  private readonly root?: Route;
  private readonly abort = new AbortController();
  private logger?: Logger;
  private db?: AlertingDb;
  private nflog?: NotificationLog;
  private silenceStore?: Silences;
  private dispatcher?: Dispatcher;
  private pipeline?: NotifyPipeline;
  private forwarder?: AlertmanagerForwarder;
  private maintenance?: TimerHandle;
  private started = false;
  private stopped = false;

  constructor(readonly config: AlertingConfig, options: NotifierOptions = {}) {
    this.now = options.now ?? realClock;
    this.scheduler = options.scheduler ?? realScheduler;
    this.fetchFn = options.fetch ?? ((...args) => fetch(...args));
    this.baseDir = options.baseDir ?? process.cwd();
    this.delivery = { ...DEFAULT_DELIVERY, ...options.delivery };
    if (config.route) this.root = new Route(config.route);
  }

  /** True when a route and receivers are configured (otherwise only forwarding happens). */
  get routing(): boolean {
    return this.root !== undefined;
  }

  private externalURL(): string {
    return this.config.external_url ?? 'http://localhost:9464';
  }

  private buildIntegrations(): Map<string, Integration[]> {
    const byReceiver = new Map<string, Integration[]>();
    const g = this.config.global;
    for (const r of this.config.receivers) {
      byReceiver.set(r.name, [
        ...r.slack_configs.map((c, i) => new SlackIntegration(c, g, i, this.fetchFn, this.baseDir)),
        ...r.email_configs.map((c, i) => new EmailIntegration(c, g, i, this.baseDir)),
        ...r.pagerduty_configs.map((c, i) => new PagerdutyIntegration(c, g, i, this.fetchFn, this.baseDir, this.now)),
        ...r.webhook_configs.map((c, i) => new WebhookIntegration(c, i, this.fetchFn, this.baseDir)),
      ]);
    }
    return byReceiver;
  }

  async start(host: Host): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    this.logger = host.logger.child({ component: this.id });
    const telemetry: NotifyTelemetry = createNotifyTelemetry(host.meter);
    this.db = openAlertingDb(host.storageDir);
    this.nflog = new NotificationLog(this.db);
    this.silenceStore = new Silences(this.db, this.now);
    this.forwarder = new AlertmanagerForwarder(this.config.alertmanagers, this.fetchFn, telemetry, this.logger);
    const receivers = new Map<string, ReceiverRuntime>();
    for (const [name, integrations] of this.buildIntegrations()) {
      receivers.set(name, { name, deliveries: integrations.map((i) => new Delivery(name, i, this.delivery, telemetry, this.logger!)) });
    }
    const intervals = new TimeIntervals(new Map(this.config.time_intervals.map((t) => [t.name, t.time_intervals])));
    let dispatcher: Dispatcher | undefined;
    const inhibitor = new Inhibitor(this.config.inhibit_rules, () => dispatcher?.alerts() ?? [], this.now);
    this.pipeline = this.root ? new NotifyPipeline({
      receivers, nflog: this.nflog, silences: this.silenceStore, inhibitor, timeIntervals: intervals, now: this.now,
      externalURL: this.externalURL(), logger: this.logger, signal: this.abort.signal,
    }) : undefined;
    dispatcher = new Dispatcher(this.root, this.pipeline, this.now, this.scheduler);
    this.dispatcher = dispatcher;
    this.inhibitor = inhibitor;
    this.scheduleMaintenance();
    this.logger.info({ routing: this.routing, receivers: receivers.size, alertmanagers: this.config.alertmanagers.length }, 'alerting started');
  }

  private inhibitor?: Inhibitor;

  private scheduleMaintenance(): void {
    this.maintenance = this.scheduler.setTimeout(() => {
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
    if (!this.routing) return;
    this.dispatcher!.put(this.convert(alerts));
  }

  private convert(alerts: PostableAlert[]): Alert[] {
    const now = this.now();
    const out: Alert[] = [];
    for (const p of alerts) {
      try {
        out.push(fromPostable(p, now, this.config.global.resolve_timeout));
      } catch (err) {
        this.logger?.warn({ labels: p.labels, err: (err as Error).message }, 'dropping invalid alert');
      }
    }
    return out;
  }

  /** Silences of this notifier (API); throws before start. */
  silences(): Silences {
    if (!this.silenceStore) throw new Error('alerting is not started');
    return this.silenceStore;
  }

  /** Alertmanager API v2 GET /api/v2/alerts. */
  listAlerts(): GettableAlert[] {
    if (!this.dispatcher) return [];
    const now = this.now();
    return this.dispatcher.alerts().filter((a) => !isResolved(a, now)).map((a) => {
      const silencedBy = this.silenceStore!.silencedBy(a.labels);
      const inhibitedBy = this.inhibitor!.inhibitedBy(a.labels, a.fingerprint);
      const receivers = [...new Set((this.root?.match(a.labels) ?? []).map((r) => r.receiver))].map((name) => ({ name }));
      return {
        labels: a.labels,
        annotations: a.annotations,
        startsAt: new Date(a.startsAt).toISOString(),
        endsAt: new Date(a.endsAt).toISOString(),
        updatedAt: new Date(a.updatedAt).toISOString(),
        generatorURL: a.generatorURL,
        fingerprint: a.fingerprint,
        receivers,
        status: { state: silencedBy.length || inhibitedBy.length ? 'suppressed' : 'active', silencedBy, inhibitedBy },
      };
    });
  }

  /** Sends a test alert through the real routing; returns the receivers it went to. */
  testAlert(labels: Record<string, string>, annotations: Record<string, string>): string[] {
    if (!this.dispatcher) throw new Error('alerting is not started');
    const now = this.now();
    const alert = fromPostable({
      labels: { ...labels, alertname: 'LookoutTestAlert' },
      annotations: { summary: 'Test alert sent by Lookout to check notification routing', ...annotations },
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + this.config.global.resolve_timeout).toISOString(),
    }, now, this.config.global.resolve_timeout);
    this.forwarder?.enqueue([{ labels: alert.labels, annotations: alert.annotations, startsAt: new Date(alert.startsAt).toISOString(), endsAt: new Date(alert.endsAt).toISOString() }]);
    if (!this.routing) return [];
    const [routes] = this.dispatcher.put([alert]);
    return [...new Set(routes.map((r) => r.receiver))];
  }

  /** The notifier's clock (API answers use it for silence states). */
  currentTime(): number {
    return this.now();
  }

  /** Resolves when no notification flush is in flight. */
  async settled(): Promise<void> {
    await this.dispatcher?.settled();
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.maintenance) this.scheduler.clearTimeout(this.maintenance);
    this.dispatcher?.stop();
    this.abort.abort();
    await this.dispatcher?.settled();
    await this.forwarder?.close();
    this.db?.close();
    this.logger?.info('alerting stopped');
  }
}
