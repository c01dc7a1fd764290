/**
 * Alerts are telemetry too: every firing and resolved transition becomes an
 * OTel log record (resource service.name=lookout, body "alert X firing",
 * attributes alertname, state, the alert's labels and annotations) handed to
 * an optional logs Consumer, so transitions reach the same backend as the
 * app's logs.
 */
import Long from 'long';
import type { AnyValue, ExportLogsServiceRequest, KeyValue, LogRecord } from '../otlp/model';
import type { AlertTransition } from './alert';
import { rfc3339 } from './time-format';

/** OTel SeverityNumber for a firing alert's severity label (resolutions are INFO). */
export function severityNumberFor(severity: string | undefined): number {
  switch ((severity ?? '').toLowerCase()) {
    case 'critical': case 'page': case 'emergency': case 'fatal': return 18; // ERROR2
    case 'error': case 'high': case 'major': return 17; // ERROR
    case 'warning': case 'warn': case 'medium': case 'minor': return 13; // WARN
    case 'info': case 'low': case 'none': return 9; // INFO
    default: return 13;
  }
}

const str = (v: string): AnyValue => ({ stringValue: v });

function attributes(t: AlertTransition): KeyValue[] {
  const attrs: KeyValue[] = [
    { key: 'alertname', value: str(t.rule) },
    { key: 'state', value: str(t.to) },
  ];
  for (const [k, v] of Object.entries(t.alert.labels)) {
    if (k === 'alertname') continue;
    // A label named like one of ours keeps its value under "label.<name>".
    attrs.push({ key: k === 'state' ? 'label.state' : k, value: str(v) });
  }
  for (const [k, v] of Object.entries(t.alert.annotations)) attrs.push({ key: `annotation.${k}`, value: str(v) });
  attrs.push({ key: 'active_at', value: str(rfc3339(t.alert.activeAt)) });
  if (Number.isFinite(t.alert.value)) attrs.push({ key: 'value', value: { doubleValue: t.alert.value } });
  return attrs;
}

function nanos(ms: number): Long {
  return Long.fromNumber(Math.floor(ms)).multiply(1_000_000);
}

export function transitionLogRecord(t: AlertTransition, observedMs: number): LogRecord {
  const firing = t.to === 'firing';
  const severity = t.alert.labels.severity;
  return {
    timeUnixNano: nanos(t.at),
    observedTimeUnixNano: nanos(observedMs),
    severityNumber: firing ? severityNumberFor(severity) : 9,
    severityText: firing ? (severity ?? 'WARN') : 'INFO',
    body: str(`alert ${t.rule} ${t.to}`),
    attributes: attributes(t),
    eventName: `alert.${t.to}`,
  };
}

/** One ExportLogsServiceRequest for a batch of transitions. */
export function transitionsToLogs(transitions: AlertTransition[], observedMs: number, version?: string): ExportLogsServiceRequest {
  const resourceAttrs: KeyValue[] = [{ key: 'service.name', value: str('lookout') }];
  if (version) resourceAttrs.push({ key: 'service.version', value: str(version) });
  return {
    resourceLogs: [{
      resource: { attributes: resourceAttrs },
      scopeLogs: [{
        scope: { name: 'lookout/rules' },
        logRecords: transitions.map((t) => transitionLogRecord(t, observedMs)),
      }],
    }],
  };
}
