import assert from 'node:assert/strict';
import pino from 'pino';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { SpanKind } from '@opentelemetry/api';
import { filterProcessorFactory, processorFactories } from '../../../../agent/processors';
import type { FilterProcessor } from '../../../../agent/processors/filter/processor';
import type { SignalData } from '../../../../agent/otlp/model';
import { RecordingConsumer, testHost, counterValue } from '../../../helpers/test-host';
import { sdkLogs, sdkSpans } from '../../connectors/sdk-otlp';

const settings = { id: 'filter/health', baseDir: '.', logger: pino({ level: 'silent' }) };
function create(cfg: Record<string, unknown>) {
  const next = new RecordingConsumer();
  const proc = filterProcessorFactory.create(settings, filterProcessorFactory.configSchema.parse(cfg), next) as FilterProcessor;
  return { proc, next };
}
const spanNames = (next: RecordingConsumer) => next.of('traces').flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))));

async function someSpans(): Promise<SignalData['traces'][]> {
  return sdkSpans({ 'service.name': 'shop' }, (t) => {
    t.startSpan('GET /healthz', { kind: SpanKind.SERVER, attributes: { 'http.route': '/healthz', 'user_agent.original': 'kube-probe/1.29' } }).end();
    t.startSpan('GET /readyz', { kind: SpanKind.SERVER, attributes: { 'http.route': '/readyz' } }).end();
    t.startSpan('GET /orders', { kind: SpanKind.SERVER, attributes: { 'http.route': '/orders' } }).end();
    t.startSpan('SELECT orders', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql' } }).end();
  });
}

describe('filter: processor', () => {
  it('is registered and declares it mutates data', () => {
    assert.ok(processorFactories.includes(filterProcessorFactory as never));
    assert.equal(filterProcessorFactory.mutatesData, true);
  });

  it('drops health-check spans by name (regexp, unanchored like the Collector) and counts them', async () => {
    const { proc, next } = create({ spans: { exclude: { match_type: 'regexp', span_names: ['/(healthz|readyz)$'] } } });
    const host = testHost();
    await proc.start(host);
    for (const req of await someSpans()) await proc.consume('traces', req);
    assert.deepEqual(spanNames(next).sort(), ['GET /orders', 'SELECT orders']);
    assert.equal(await counterValue(host, 'lookout_filter_dropped_total', { processor: 'filter/health', signal: 'traces' }), 2);
    await host.cleanup();
  });

  it('strict attribute match; every listed attribute must match', async () => {
    const { proc, next } = create({ spans: { exclude: { match_type: 'strict', attributes: [{ key: 'http.route', value: '/healthz' }, { key: 'user_agent.original' }] } } });
    for (const req of await someSpans()) await proc.consume('traces', req);
    assert.deepEqual(spanNames(next).sort(), ['GET /orders', 'GET /readyz', 'SELECT orders']);
  });

  it('include keeps only matching spans (services, span_kinds), then exclude applies', async () => {
    const { proc, next } = create({
      spans: {
        include: { match_type: 'strict', services: ['shop'], span_kinds: ['SPAN_KIND_SERVER'] },
        exclude: { match_type: 'strict', span_names: ['GET /readyz'] },
      },
    });
    for (const req of await someSpans()) await proc.consume('traces', req);
    assert.deepEqual(spanNames(next).sort(), ['GET /healthz', 'GET /orders']);
  });

  it('a request left empty is not handed on; empty scopes and resources are removed', async () => {
    const { proc, next } = create({ spans: { exclude: { match_type: 'regexp', span_names: ['.*'] } } });
    for (const req of await someSpans()) await proc.consume('traces', req);
    assert.equal(next.received.length, 0);
    const half = create({ spans: { exclude: { match_type: 'strict', resources: [{ key: 'service.name', value: 'noisy' }] } } });
    await half.proc.consume('traces', {
      resourceSpans: [
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'noisy' } }] }, scopeSpans: [{ spans: [{ name: 'a' } as never] }] },
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] }, scopeSpans: [{ spans: [{ name: 'b' } as never] }] },
      ],
    });
    assert.equal(half.next.of('traces')[0].resourceSpans.length, 1);
  });

  it('logs: severity_number min (names or numbers), match_undefined, bodies', async () => {
    const logs = await sdkLogs({ 'service.name': 'shop' }, (l) => {
      l.emit({ body: 'debug detail', severityNumber: SeverityNumber.DEBUG });
      l.emit({ body: 'no severity' });
      l.emit({ body: 'disk almost full', severityNumber: SeverityNumber.WARN });
      l.emit({ body: 'GET /healthz 200', severityNumber: SeverityNumber.INFO });
      l.emit({ body: 'crash', severityNumber: SeverityNumber.ERROR });
    });
    const { proc, next } = create({ logs: { include: { match_type: 'strict', severity_number: { min: 'WARN', match_undefined: true } } } });
    for (const req of logs) await proc.consume('logs', structuredClone(req));
    const bodies = next.of('logs').flatMap((r) => r.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((x) => x.body?.stringValue))));
    assert.deepEqual(bodies.sort(), ['crash', 'disk almost full', 'no severity']);
    const byBody = create({ logs: { exclude: { match_type: 'regexp', bodies: ['healthz'] } } });
    for (const req of logs) await byBody.proc.consume('logs', structuredClone(req));
    assert.equal(byBody.proc.dropped.logs, 1);
  });

  it('metrics: by metric name and by data point attribute (single points dropped)', async () => {
    const req = (): SignalData['metrics'] => ({
      resourceMetrics: [{ scopeMetrics: [{ metrics: [
        { name: 'http.server.duration', histogram: { dataPoints: [{ attributes: [{ key: 'http.route', value: { stringValue: '/healthz' } }] }, { attributes: [{ key: 'http.route', value: { stringValue: '/orders' } }] }] } },
        { name: 'debug.internal.gauge', gauge: { dataPoints: [{ asDouble: 1 }] } },
      ] }] }],
    });
    const { proc, next } = create({
      metrics: { exclude: { match_type: 'regexp', datapoint_attributes: [{ key: 'http.route', value: '^/healthz$' }] } },
    });
    await proc.consume('metrics', req());
    const hist = next.of('metrics')[0].resourceMetrics[0].scopeMetrics[0].metrics[0].histogram!.dataPoints;
    assert.equal(hist.length, 1);
    assert.equal(proc.dropped.metrics, 1);
    const byName = create({ metrics: { exclude: { match_type: 'strict', metric_names: ['debug.internal.gauge'] } } });
    await byName.proc.consume('metrics', req());
    assert.deepEqual(byName.next.of('metrics')[0].resourceMetrics[0].scopeMetrics[0].metrics.map((m) => m.name), ['http.server.duration']);
  });
});
