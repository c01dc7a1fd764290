/**
 * Self-metrics of notification delivery, named like Alertmanager's
 * alertmanager_notifications_total / _failed_total /
 * alertmanager_notification_latency_seconds, with Lookout's prefix.
 * Every attempt counts (retries included), as Alertmanager counts them.
 */
import type { Counter, Histogram, Meter } from '@opentelemetry/api';

export interface NotifyTelemetry {
  attempts: Counter;
  failed: Counter;
  latency: Histogram;
  /** Alerts forwarding to an Alertmanager gave up on (queue overflow, or failed after retries). */
  dropped: Counter;
  /** Slack messages that waited for a webhook's rate limit (reason rate|retry_after), and messages merged into another. */
  slackDelayed: Counter;
  slackMerged: Counter;
  /** Notifications whose templates failed to render (a Go template error, or output above template_max_output_chars). */
  templateErrors: Counter;
}

export function createNotifyTelemetry(meter: Meter): NotifyTelemetry {
  return {
    attempts: meter.createCounter('lookout_notifications_total', { description: 'Notification attempts, by integration and receiver.' }),
    failed: meter.createCounter('lookout_notifications_failed_total', { description: 'Failed notification attempts, by integration and receiver.' }),
    latency: meter.createHistogram('lookout_notification_latency_seconds', {
      description: 'Latency of notification attempts.',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20] },
    }),
    dropped: meter.createCounter('lookout_notifications_dropped_total', {
      description: 'Alerts dropped while forwarding to Alertmanagers (queue overflow, or failed after retries), as prometheus_notifications_dropped_total.',
    }),
    slackDelayed: meter.createCounter('lookout_slack_messages_delayed_total', {
      description: "Slack messages that waited for their webhook's rate limit (reason: rate, or retry_after after a 429).",
    }),
    templateErrors: meter.createCounter('lookout_notification_template_errors_total', {
      description: 'Notifications whose templates failed to render, by integration and receiver (Go template errors, output above alerting.template_max_output_chars).',
    }),
    slackMerged: meter.createCounter('lookout_slack_messages_merged_total', {
      description: 'Queued Slack messages sent as attachments of another message to the same webhook instead of on their own.',
    }),
  };
}
