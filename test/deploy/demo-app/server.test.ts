/**
 * The demo service as deployed: its own process, instrumented only through
 * the injected preload. The toolkit it imports uses its own copy of the
 * OpenTelemetry API, which must meet the preload's SDK through the API's
 * global registry (spans nest, retry/breaker metrics and logs arrive).
 */
import assert from 'node:assert/strict';
import { OtlpSink } from '../../helpers/otlp-sink';
import { waitFor } from '../../helpers/wait';
import { jsonLines, logRecords, metricsByName, spans, stopAllApps, type AppProcess } from '../../instrumentation/helpers/preload-harness';
import { startDemoApp } from '../../helpers/demo-app';

describe('demo app under the preload', function () {
  this.timeout(60000);
  const sink = new OtlpSink();
  let demo: AppProcess;

  before(async () => {
    await sink.start();
    demo = await startDemoApp(sink.url, { DEMO_DEPENDENCY_FAILURE_RATE: '0' });
  });

  after(async () => {
    await stopAllApps();
    await sink.stop();
  });

  it('one /dependency call is one trace: server span, toolkit span, client span, dependency server span', async () => {
    assert.equal((await demo.get('/dependency')).status, 200);
    const server = await waitFor(() => spans(sink).find((s) => s.kind === 2 && s.attributes['http.route'] === '/dependency'), {
      what: '/dependency server span',
    });
    const inTrace = () => spans(sink).filter((s) => s.traceId === server.traceId);
    const op = await waitFor(() => inTrace().find((s) => s.name === 'fetch_inventory'), { what: 'fetch_inventory span' });
    assert.equal(op.scope, 'lookout-toolkit');
    assert.equal(op.attributes['peer.service'], 'inventory');
    const client = await waitFor(() => inTrace().find((s) => s.kind === 3 && s.parentSpanId === op.spanId), { what: 'client span under fetch_inventory' });
    const dependency = await waitFor(() => inTrace().find((s) => s.kind === 2 && s.attributes['http.route'] === '/internal/inventory'), {
      what: 'dependency server span',
    });
    assert.equal(dependency.parentSpanId, client.spanId);
    const attempt = op.events.find((e) => e.name === 'retry.attempt');
    assert.equal(attempt?.attributes['retry.outcome'], 'success');
  });

  it("sends the toolkit's structured logs with the trace, and its retry/breaker metrics", async () => {
    const record = await waitFor(() => logRecords(sink).find((l) => l.body === 'Starting operation: fetch_inventory'), {
      what: 'toolkit log record',
    });
    assert.equal(record.resource['service.name'], 'demo-app');
    const op = spans(sink).find((s) => s.name === 'fetch_inventory')!;
    assert.equal(record.traceId, op.traceId);
    assert.equal(record.attributes.correlation_id, op.traceId);
    const metrics = await waitFor(() => {
      const m = metricsByName(sink);
      return m.has('lookout.retry.attempts') && m.has('lookout.circuit_breaker.state') ? m : undefined;
    }, { what: 'toolkit metrics' });
    const state = metrics.get('lookout.circuit_breaker.state')!.at(-1)!.metric;
    const closed = state.gauge?.dataPoints.find((p) => p.attributes?.some((a) => a.key === 'state' && a.value?.stringValue === 'closed'));
    assert.equal(closed?.asDouble ?? closed?.asInt, 1);
  });

  it('stops cleanly on SIGTERM with its own handler (exit 0)', async () => {
    const exit = await demo.stop('SIGTERM');
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(jsonLines(demo.stdout()).some((l) => l.message === 'Demo app stopped'));
  });
});
