/**
 * End to end through the real agent: an app instrumented only by the
 * injected preload sends to `lookout run` with its default transport
 * (OTLP/HTTP protobuf), which forwards upstream to a sink. Spans, logs and
 * metrics arrive with their trace context intact.
 */
import assert from 'node:assert/strict';
import { startAgent, type AgentProcess } from '../../helpers/agent-process';
import { OtlpSink } from '../../helpers/otlp-sink';
import { waitFor } from '../../helpers/wait';
import {
  builtPreload, fastExportEnv, logRecords, makeAppDir, metricsByName, removeTmpDirs, spans, startApp, stopAllApps,
} from '../helpers/preload-harness';

describe('preload -> lookout run -> upstream', function () {
  this.timeout(90000);
  const upstream = new OtlpSink();
  let agent: AgentProcess;

  before(async () => {
    await upstream.start();
    agent = await startAgent({ exporters: { otlp: { endpoint: upstream.url, batch: { timeout: '100ms' } } } });
  });
  after(async () => {
    await stopAllApps();
    await agent?.stop();
    await upstream.stop();
    removeTmpDirs();
  });

  it("delivers the instrumented app's spans, logs and metrics through the sidecar", async () => {
    const app = await startApp(makeAppDir(['express-app.js'], ['express', 'pino', 'winston', 'bunyan']), 'express-app.js', {
      preload: 'require',
      preloadDir: await builtPreload(),
      env: { ...fastExportEnv(agent.otlpUrl), OTEL_SERVICE_NAME: 'via-agent' },
    });
    assert.equal((await app.get('/log?marker=agent')).status, 200);
    const server = await waitFor(
      () => spans(upstream).find((s) => s.resource['service.name'] === 'via-agent' && s.kind === 2 && s.attributes['http.route'] === '/log'),
      { timeoutMs: 30000, what: 'server span forwarded by the agent' },
    );
    const record = await waitFor(
      () => logRecords(upstream).find((l) => l.resource['service.name'] === 'via-agent' && l.body === 'pino-line'),
      { timeoutMs: 30000, what: 'pino record forwarded by the agent' },
    );
    assert.equal(record.traceId, server.traceId);
    await waitFor(
      () => metricsByName(upstream).get('http.server.request.duration')?.some((e) => e.resource['service.name'] === 'via-agent'),
      { timeoutMs: 30000, what: 'http metrics forwarded by the agent' },
    );
    assert.doesNotMatch(app.stderr(), /sending telemetry/, 'no export failures towards the agent');
    await app.stop();
  });
});
