import assert from 'node:assert/strict';
import pino from 'pino';
import { attributesProcessorFactory, processorFactories } from '../../../../agent/processors';
import { attributeString } from '../../../../agent/otlp/values';
import type { SignalData } from '../../../../agent/otlp/model';
import { RecordingConsumer } from '../../../helpers/test-host';
import { sdkLogs, sdkSpans } from '../../connectors/sdk-otlp';

const settings = { id: 'attributes/env', baseDir: '.', logger: pino({ level: 'silent' }) };

describe('attributes: processor on real SDK data', () => {
  it('is registered and declares it mutates data', () => {
    assert.ok(processorFactories.includes(attributesProcessorFactory as never));
    assert.equal(attributesProcessorFactory.mutatesData, true);
  });

  it('acts on span and log record attributes, not on resources', async () => {
    const next = new RecordingConsumer();
    const config = attributesProcessorFactory.configSchema.parse({
      actions: [{ key: 'env', value: 'prod', action: 'insert' }, { key: 'user.email', action: 'delete' }],
    });
    const proc = attributesProcessorFactory.create(settings, config, next);
    for (const req of await sdkSpans({ 'service.name': 'shop' }, (t) => t.startSpan('op', { attributes: { 'user.email': 'a@b.c' } }).end())) await proc.consume('traces', req);
    for (const req of await sdkLogs({ 'service.name': 'shop' }, (l) => l.emit({ body: 'hi', attributes: { 'user.email': 'a@b.c' } }))) await proc.consume('logs', req);
    const span = next.of('traces')[0].resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(attributeString(span.attributes, 'env'), 'prod');
    assert.equal(attributeString(span.attributes, 'user.email'), undefined);
    const rec = next.of('logs')[0].resourceLogs[0].scopeLogs[0].logRecords[0];
    assert.equal(attributeString(rec.attributes, 'env'), 'prod');
    assert.equal(attributeString(next.of('traces')[0].resourceSpans[0].resource?.attributes, 'env'), undefined);
  });

  it('acts on metric data point attributes (every point kind)', async () => {
    const next = new RecordingConsumer();
    const proc = attributesProcessorFactory.create(settings, attributesProcessorFactory.configSchema.parse({ actions: [{ key: 'region', value: 'eu', action: 'upsert' }] }), next);
    const req: SignalData['metrics'] = {
      resourceMetrics: [{ scopeMetrics: [{ metrics: [
        { name: 'g', gauge: { dataPoints: [{ asDouble: 1 }] } },
        { name: 'h', histogram: { dataPoints: [{ count: 1, attributes: [{ key: 'region', value: { stringValue: 'us' } }] }] } },
      ] }] }],
    };
    await proc.consume('metrics', req);
    const ms = next.of('metrics')[0].resourceMetrics[0].scopeMetrics[0].metrics;
    assert.equal(attributeString(ms[0].gauge!.dataPoints[0].attributes, 'region'), 'eu');
    assert.equal(attributeString(ms[1].histogram!.dataPoints[0].attributes, 'region'), 'eu');
  });
});
