/**
 * The alert path: rules hand alerts to the notifier without passing through
 * any pipeline, and their labels and annotations can carry leaked data
 * (a label copied from a span attribute, an annotation templated from a
 * query). This adapter redacts both before the notifier sees them.
 */
import type { AlertSink, PostableAlert } from '../../alerting/types';
import type { Appender } from '../../store/types';
import type { RedactionProcessor } from './processor';

export function redactingAlertSink(sink: AlertSink, redaction: RedactionProcessor): AlertSink {
  return {
    send(alerts: PostableAlert[]): void {
      sink.send(alerts.map((a) => {
        const labels = redaction.redactAlertRecord(a.labels);
        const annotations = redaction.redactAlertRecord(a.annotations);
        return labels === a.labels && annotations === a.annotations ? a : { ...a, labels, annotations };
      }));
    },
  };
}

/**
 * What rules write into the store (ALERTS, ALERTS_FOR_STATE, recording
 * rules) carries the same labels as the alerts: redacted the same way, so
 * no rule label brings a secret into the local store.
 */
export function redactingAppender(appender: Appender, redaction: RedactionProcessor): Appender {
  return {
    append: (labels, t, v) => appender.append(redaction.redactAlertRecord(labels), t, v),
    markStale: (labels, t) => appender.markStale(redaction.redactAlertRecord(labels), t),
    setMetadata: (name, meta) => appender.setMetadata(name, meta),
  };
}
