/**
 * The alerting component's own metrics, named after Alertmanager's so the
 * same dashboards and alerts translate: alertmanager_alerts{state} ->
 * lookout_alerts{state}, alertmanager_alerts_received_total{status},
 * alertmanager_alerts_invalid_total, alertmanager_dispatcher_aggregation_groups,
 * alertmanager_silences{state}. (Per-delivery metrics live in
 * agent/notify/telemetry.ts.)
 */
import type { BatchObservableCallback, Counter, Meter, Observable } from '@opentelemetry/api';
import type { SilenceState } from './silence';

export interface AlertingMetricSources {
  /** Not-yet-resolved alerts by state. */
  alerts(): { active: number; suppressed: number };
  aggregationGroups(): number;
  silences(): Record<SilenceState, number>;
}

export class AlertingMetrics {
  readonly received: Counter;
  readonly invalid: Counter;
  /** Silence creations/updates refused by alerting.limits, by reason. */
  readonly silencesRefused: Counter;
  /** New alerts refused because the dispatcher holds alerting.limits.max_alerts. */
  readonly alertsRefused: Counter;
  private readonly observables: Observable[];
  private readonly callback: BatchObservableCallback;

  constructor(private readonly meter: Meter, sources: AlertingMetricSources) {
    this.received = meter.createCounter('lookout_alerts_received_total', {
      description: 'Alerts received from rule evaluation, by status (firing or resolved).',
    });
    this.invalid = meter.createCounter('lookout_alerts_invalid_total', {
      description: 'Alerts received that were invalid and dropped.',
    });
    this.silencesRefused = meter.createCounter('lookout_silences_refused_total', {
      description: 'Silence creations or updates refused by a limit, by reason (max_silences, max_silence_size_bytes).',
    });
    this.alertsRefused = meter.createCounter('lookout_alerts_refused_total', {
      description: 'New alerts refused because the notifier already keeps alerting.limits.max_alerts alerts, by source (rules, api).',
    });
    const alerts = meter.createObservableGauge('lookout_alerts', { description: 'Alerts not yet resolved, by state (active or suppressed).' });
    const groups = meter.createObservableGauge('lookout_dispatcher_aggregation_groups', { description: 'Aggregation groups currently held by the dispatcher.' });
    const silences = meter.createObservableGauge('lookout_silences', { description: 'Silences, by state (active, pending, expired).' });
    this.observables = [alerts, groups, silences];
    this.callback = (result) => {
      const a = sources.alerts();
      result.observe(alerts, a.active, { state: 'active' });
      result.observe(alerts, a.suppressed, { state: 'suppressed' });
      result.observe(groups, sources.aggregationGroups());
      for (const [state, n] of Object.entries(sources.silences())) result.observe(silences, n, { state });
    };
    meter.addBatchObservableCallback(this.callback, this.observables);
  }

  /** Stops observing (the sources go away on shutdown). */
  close(): void {
    this.meter.removeBatchObservableCallback(this.callback, this.observables);
  }
}
