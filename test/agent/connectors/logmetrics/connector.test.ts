/**
 * logmetrics on real SDK log records (OTLP/HTTP protobuf through an
 * OtlpSink): log_records_total by service and severity range, user counters
 * with attribute/regex/body/severity conditions and attribute labels.
 */
import assert from 'node:assert/strict';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { LogMetricsConnector } from '../../../../agent/connectors/logmetrics';
import { logmetricsConfigSchema } from '../../../../agent/connectors/logmetrics/config';
import type { ExportLogsServiceRequest } from '../../../../agent/otlp/model';
import { MemoryStore } from '../../../../agent/store';
import { testHost, type TestHost } from '../../../helpers/test-host';
import { RecordingAppender } from '../recording-appender';
import { sdkLogs } from '../sdk-otlp';

const RESOURCE = { 'service.name': 'shop', 'service.namespace': 'acme', 'service.instance.id': 'pod-1', 'deployment.environment.name': 'prod' };

function connector(cfg: Record<string, unknown> = {}, clock = { now: 7_000_000 }) {
  const out = new RecordingAppender();
  const c = new LogMetricsConnector(logmetricsConfigSchema.parse({ metrics_flush_interval: '0s', ...cfg }), out, { now: () => clock.now });
  return { c, out, clock };
}

async function feed(c: LogMetricsConnector, reqs: ExportLogsServiceRequest[]): Promise<void> {
  for (const r of reqs) await c.consume('logs', r);
}

describe('logmetrics connector', () => {
  let host: TestHost;
  beforeEach(() => { host = testHost(); });
  afterEach(async () => { await host.cleanup(); });

  it('counts SDK log records as log_records_total{service_name, severity_text, job, instance}', async () => {
    const { c, out, clock } = connector();
    await c.start(host);
    const reqs = await sdkLogs(RESOURCE, (logger) => {
      logger.emit({ body: 'a', severityNumber: SeverityNumber.INFO });
      logger.emit({ body: 'b', severityNumber: SeverityNumber.INFO3 });
      logger.emit({ body: 'c', severityNumber: SeverityNumber.WARN2 });
      logger.emit({ body: 'd', severityNumber: SeverityNumber.ERROR });
      logger.emit({ body: 'e', severityNumber: SeverityNumber.FATAL4 });
      logger.emit({ body: 'f', severityNumber: SeverityNumber.TRACE, severityText: 'finest' });
      logger.emit({ body: 'g', severityText: 'warning' }); // no number: classified by text
      logger.emit({ body: 'h' }); // neither
    });
    await feed(c, reqs);
    const base = { service_name: 'shop', job: 'acme/shop', instance: 'pod-1' };
    const count = (severity_text: string) => out.last('log_records_total', { ...base, severity_text });
    assert.equal(count('INFO'), 2);
    assert.equal(count('WARN'), 2);
    assert.equal(count('ERROR'), 1);
    assert.equal(count('FATAL'), 1);
    assert.equal(count('TRACE'), 1);
    assert.equal(count('UNSPECIFIED'), 1);
    assert.deepEqual(out.seriesOf('log_records_total').find((l) => l.severity_text === 'ERROR'),
      { __name__: 'log_records_total', ...base, severity_text: 'ERROR' }, 'other resource attributes are not labels');
    assert.equal(out.metadata.get('log_records_total')?.type, 'counter');
    assert.deepEqual(out.of('log_records_total', { severity_text: 'ERROR' }).map((r) => [r.t, r.v]), [[clock.now, 0], [clock.now + 1, 1]]);
    await c.shutdown();
  });

  it('counts user counters only for records matching every condition, labelled by attributes', async () => {
    const { c, out } = connector({
      log_records: { enabled: false },
      counters: [
        {
          name: 'payment_failures',
          description: 'Failed payments by provider.',
          match: { attributes: { 'event.domain': 'payments', 'error.type': { regex: 'Timeout|Declined.*' } }, severity_min: 'warn' },
          labels: ['payment.provider', 'deployment.environment.name'],
        },
        { name: 'oom_logs_total', match: { body_regex: '(?i)out of memory' } },
      ],
    });
    const reqs = await sdkLogs(RESOURCE, (logger) => {
      const pay = { 'event.domain': 'payments', 'payment.provider': 'stripe' };
      logger.emit({ body: 'x', severityNumber: SeverityNumber.ERROR, attributes: { ...pay, 'error.type': 'Timeout' } });
      logger.emit({ body: 'x', severityNumber: SeverityNumber.WARN, attributes: { ...pay, 'error.type': 'DeclinedCard' } });
      logger.emit({ body: 'x', severityNumber: SeverityNumber.INFO, attributes: { ...pay, 'error.type': 'Timeout' } }); // below WARN
      logger.emit({ body: 'x', severityNumber: SeverityNumber.ERROR, attributes: { ...pay, 'error.type': 'NotTimeout' } }); // anchored regex
      logger.emit({ body: 'x', severityNumber: SeverityNumber.ERROR, attributes: { 'error.type': 'Timeout' } }); // no event.domain
      logger.emit({ body: 'x', severityNumber: SeverityNumber.ERROR, attributes: { 'event.domain': 'payments', 'error.type': 'Timeout' } }); // no provider label
      logger.emit({ body: 'FATAL: Out Of Memory in worker 3', severityNumber: SeverityNumber.FATAL });
      logger.emit({ body: { msg: 'out of memory' } });
      logger.emit({ body: 'memory fine' });
    });
    await feed(c, reqs);
    assert.equal(out.seriesOf('log_records_total').length, 0, 'built-in counter disabled');
    assert.equal(out.last('payment_failures_total', { payment_provider: 'stripe', deployment_environment_name: 'prod' }), 2);
    const noProvider = out.seriesOf('payment_failures_total').find((l) => l.payment_provider === undefined);
    assert.deepEqual(noProvider, {
      __name__: 'payment_failures_total', service_name: 'shop', job: 'acme/shop', instance: 'pod-1', deployment_environment_name: 'prod',
    });
    assert.equal(out.last('oom_logs_total'), 2, 'body searched as text, JSON bodies included, case-insensitive');
    assert.deepEqual(out.metadata.get('payment_failures_total'), { type: 'counter', help: 'Failed payments by provider.', unit: '' });
  });

  it('keeps a record without service.name (no service_name label) and counts into the real MemoryStore', async () => {
    const store = new MemoryStore({ now: () => 7_100_000 });
    const clock = { now: 7_000_000 };
    const c = new LogMetricsConnector(logmetricsConfigSchema.parse({ metrics_flush_interval: '1s' }), store, { now: () => clock.now });
    const reqs = await sdkLogs(RESOURCE, (l) => { l.emit({ body: 'x', severityNumber: SeverityNumber.ERROR }); l.emit({ body: 'y', severityNumber: SeverityNumber.ERROR }); });
    const anon = await sdkLogs({ 'service.name': 'tmp' }, (l) => l.emit({ body: 'z', severityNumber: SeverityNumber.DEBUG }));
    for (const r of anon) for (const rl of r.resourceLogs) rl.resource!.attributes = [];
    await feed(c, [...reqs, ...anon]);
    clock.now += 1000;
    c.flush();
    const series = store.select([{ name: '__name__', type: '=', value: 'log_records_total' }], 0, 8_000_000);
    const byLabels = Object.fromEntries(series.map((s) => [`${s.labels.service_name ?? '-'}/${s.labels.severity_text}`, [...Array.from(s.v)]]));
    assert.deepEqual(byLabels, { 'shop/ERROR': [0, 2], '-/DEBUG': [0, 1] });
  });

  it('ignores other signals; shutdown is idempotent and safe before start', async () => {
    const { c, out } = connector();
    await c.shutdown();
    await c.consume('traces', { resourceSpans: [] });
    await c.shutdown();
    assert.equal(out.samples.length, 0);
  });
});
