import assert from 'node:assert/strict';
import pino from 'pino';
import { processorFactories, resourceProcessorFactory } from '../../../../agent/processors';
import { attributeString } from '../../../../agent/otlp/values';
import { RecordingConsumer } from '../../../helpers/test-host';
import { sdkSpans } from '../../connectors/sdk-otlp';

describe('resource: processor', () => {
  const settings = { id: 'resource', baseDir: '.', logger: pino({ level: 'silent' }) };

  it('is registered and declares it mutates data', () => {
    assert.ok(processorFactories.includes(resourceProcessorFactory as never));
    assert.equal(resourceProcessorFactory.mutatesData, true);
  });

  it('applies the actions to the resource of real SDK spans, never to span attributes', async () => {
    const next = new RecordingConsumer();
    const config = resourceProcessorFactory.configSchema.parse({
      attributes: [
        { key: 'deployment.environment.name', value: 'prod', action: 'upsert' },
        { key: 'k8s.cluster.name', from_attribute: 'cluster', action: 'insert' },
        { key: 'cluster', action: 'delete' },
        { key: 'host.name', action: 'hash' },
      ],
    });
    const proc = resourceProcessorFactory.create(settings, config, next);
    for (const req of await sdkSpans({ 'service.name': 'shop', cluster: 'c1', 'host.name': 'node-7' }, (t) => t.startSpan('op', { attributes: { cluster: 'span-level' } }).end())) {
      await proc.consume('traces', req);
    }
    const rs = next.of('traces')[0].resourceSpans[0];
    const attrs = rs.resource?.attributes;
    assert.equal(attributeString(attrs, 'deployment.environment.name'), 'prod');
    assert.equal(attributeString(attrs, 'k8s.cluster.name'), 'c1');
    assert.equal(attributeString(attrs, 'cluster'), undefined);
    assert.match(attributeString(attrs, 'host.name') ?? '', /^[0-9a-f]{64}$/);
    assert.equal(attributeString(rs.scopeSpans[0].spans[0].attributes, 'cluster'), 'span-level');
  });

  it('creates a missing resource so insert works on it (logs and metrics too)', async () => {
    const next = new RecordingConsumer();
    const proc = resourceProcessorFactory.create(settings, resourceProcessorFactory.configSchema.parse({ attributes: [{ key: 'team', value: 'core', action: 'insert' }] }), next);
    await proc.consume('logs', { resourceLogs: [{ scopeLogs: [] }] });
    await proc.consume('metrics', { resourceMetrics: [{ resource: null, scopeMetrics: [] }] });
    assert.equal(attributeString(next.of('logs')[0].resourceLogs[0].resource?.attributes, 'team'), 'core');
    assert.equal(attributeString(next.of('metrics')[0].resourceMetrics[0].resource?.attributes, 'team'), 'core');
  });
});
