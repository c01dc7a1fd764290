/**
 * `input_logs` of a `lookout test-rules` file: log records turned into the
 * same log-derived metrics as at run time, by the real logmetrics connector
 * (agent/connectors/logmetrics) writing into the test's store, so rules over
 * `log_records_total{severity_text="ERROR"}` or a user counter can be unit
 * tested like rules over metrics:
 *
 *   tests:
 *     - interval: 15s
 *       logmetrics:                 # optional: connectors.logmetrics, same keys
 *         counters: [{name: payment_failures, match: {body_regex: "payment failed"}}]
 *       input_logs:
 *         - timestamp: 30s          # from the test's start (a duration)
 *           severity: ERROR         # OTel severity text (any spelling the connector knows) or number 1-24
 *           body: payment failed
 *           attributes: {payment.provider: acme}
 *           resource: {service.name: checkout}   # optional
 *           count: 5                # optional: this record 5 times
 *
 * Records reach the connector in timestamp order as evaluation time passes
 * them; the connector writes its counters at every evaluation (at run time:
 * every metrics_flush_interval, 1s by default). promtool does not know
 * `input_logs` / `logmetrics` and refuses such files.
 */
import { LogMetricsConnector } from '../../connectors/logmetrics/connector';
import { logmetricsConfigSchema } from '../../connectors/logmetrics/config';
import type { ExportLogsServiceRequest, KeyValue, LogRecord } from '../../otlp/model';
import type { Appender } from '../../store/types';
import type { InputLog } from './test-file';

/** Most records one test group may feed (count included), so a typo in `count` cannot hang the run. */
export const MAX_INPUT_LOGS = 1_000_000;

function keyValues(m: Record<string, string>): KeyValue[] {
  return Object.entries(m).map(([key, v]) => ({ key, value: { stringValue: v } }));
}

function toRecord(l: InputLog): LogRecord {
  const rec: LogRecord = { timeUnixNano: l.timestamp * 1_000_000, attributes: keyValues(l.attributes), body: { stringValue: l.body } };
  if (typeof l.severity === 'number') rec.severityNumber = l.severity;
  else if (l.severity !== undefined) rec.severityText = l.severity;
  return rec;
}

/** Feeds input logs to a logmetrics connector over the test's store as evaluation time advances. */
export class LogInput {
  private readonly connector: LogMetricsConnector;
  private readonly logs: InputLog[];
  private next = 0;
  private clock = 0;

  constructor(logs: InputLog[], logmetrics: unknown, appender: Appender) {
    const total = logs.reduce((s, l) => s + l.count, 0);
    if (total > MAX_INPUT_LOGS) throw new Error(`input_logs: ${total} records (count included) exceed the limit of ${MAX_INPUT_LOGS}`);
    const parsed = logmetricsConfigSchema.safeParse(logmetrics ?? {});
    if (!parsed.success) {
      throw new Error(parsed.error.issues.map((i) => `logmetrics.${i.path.join('.')}: ${i.message}`).join('\n'));
    }
    this.connector = new LogMetricsConnector(parsed.data, appender, { now: () => this.clock });
    // Stable by time: records with the same timestamp keep file order.
    this.logs = [...logs].sort((a, b) => a.timestamp - b.timestamp);
  }

  /** Records with timestamp <= ts go to the connector, then it writes its counters at ts. */
  advance(ts: number): void {
    for (; this.next < this.logs.length && this.logs[this.next].timestamp <= ts; this.next++) {
      const l = this.logs[this.next];
      this.clock = l.timestamp;
      const rec = toRecord(l);
      const req: ExportLogsServiceRequest = {
        resourceLogs: [{ resource: { attributes: keyValues(l.resource) }, scopeLogs: [{ logRecords: Array.from({ length: l.count }, () => rec) }] }],
      };
      this.connector.record(req);
    }
    this.clock = ts;
    this.connector.flush();
  }
}
