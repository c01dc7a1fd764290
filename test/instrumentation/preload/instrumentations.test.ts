/**
 * The preload's instrumentation defaults (cheaper than the stock register,
 * same signals) and the variables that turn the rest back on.
 */
import assert from 'node:assert/strict';
import { chooseInstrumentations } from '../../../instrumentation/preload/instrumentations';
import { OtlpSink } from '../../helpers/otlp-sink';
import { waitFor } from '../../helpers/wait';
import { builtPreload, fastExportEnv, makeAppDir, removeTmpDirs, spans, startApp, stopAllApps } from '../helpers/preload-harness';

const P = '@opentelemetry/instrumentation-';

describe('preload: instrumentation defaults', () => {
  const noWarn = (m: string) => assert.fail(`unexpected warning: ${m}`);

  it('turns off router, net and dns, and every express layer span, by default', () => {
    const { configs, expressLayerSpans } = chooseInstrumentations({}, noWarn);
    assert.deepEqual(configs[P + 'router'], { enabled: false });
    assert.deepEqual(configs[P + 'net'], { enabled: false });
    assert.deepEqual(configs[P + 'dns'], { enabled: false });
    assert.deepEqual(configs[P + 'express'], { ignoreLayersType: ['middleware', 'request_handler', 'router'] });
    assert.deepEqual(expressLayerSpans, []);
    assert.equal(configs[P + 'http'], undefined, 'http keeps the upstream defaults');
  });

  it('LOOKOUT_EXTRA_INSTRUMENTATIONS adds instrumentations back, fs included', () => {
    const { configs } = chooseInstrumentations({ LOOKOUT_EXTRA_INSTRUMENTATIONS: 'router, dns,fs' }, noWarn);
    assert.equal(configs[P + 'router'], undefined);
    assert.equal(configs[P + 'dns'], undefined);
    assert.deepEqual(configs[P + 'net'], { enabled: false });
    assert.deepEqual(configs[P + 'fs'], { enabled: true });
  });

  it('OTEL_NODE_DISABLED_INSTRUMENTATIONS wins over LOOKOUT_EXTRA_INSTRUMENTATIONS for fs', () => {
    const { configs } = chooseInstrumentations({ LOOKOUT_EXTRA_INSTRUMENTATIONS: 'fs', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fs' }, noWarn);
    assert.equal(configs[P + 'fs'], undefined);
  });

  it('OTEL_NODE_ENABLED_INSTRUMENTATIONS is the exact list: no Lookout override applies', () => {
    const { configs } = chooseInstrumentations({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,express,router,net' }, noWarn);
    assert.deepEqual(Object.keys(configs), [P + 'express']);
  });

  it('LOOKOUT_EXPRESS_LAYER_SPANS: all, none, a list; unknown types are warned about and ignored', () => {
    assert.deepEqual(chooseInstrumentations({ LOOKOUT_EXPRESS_LAYER_SPANS: 'all' }, noWarn).configs[P + 'express'], { ignoreLayersType: [] });
    assert.deepEqual(chooseInstrumentations({ LOOKOUT_EXPRESS_LAYER_SPANS: 'none' }, noWarn).expressLayerSpans, []);
    const warnings: string[] = [];
    const choice = chooseInstrumentations({ LOOKOUT_EXPRESS_LAYER_SPANS: 'Request_Handler,bogus' }, (m) => warnings.push(m));
    assert.deepEqual(choice.expressLayerSpans, ['request_handler']);
    assert.deepEqual(choice.configs[P + 'express'], { ignoreLayersType: ['middleware', 'router'] });
    assert.match(warnings.join('\n'), /LOOKOUT_EXPRESS_LAYER_SPANS: unknown layer type\(s\) bogus ignored/);
  });

  describe('in a real Express app', function () {
    this.timeout(60000);
    const sink = new OtlpSink();
    before(() => sink.start());
    after(async () => {
      await stopAllApps();
      await sink.stop();
      removeTmpDirs();
    });

    it('LOOKOUT_EXPRESS_LAYER_SPANS=all and LOOKOUT_EXTRA_INSTRUMENTATIONS=router record the layer spans again', async () => {
      const preloadDir = await builtPreload();
      const app = await startApp(makeAppDir(['express-app.js'], ['express', 'pino', 'winston', 'bunyan']), 'express-app.js', {
        preload: 'require',
        preloadDir,
        env: { ...fastExportEnv(sink.url), OTEL_SERVICE_NAME: 'layers', LOOKOUT_EXPRESS_LAYER_SPANS: 'all', LOOKOUT_EXTRA_INSTRUMENTATIONS: 'router' },
      });
      assert.equal((await app.get('/hello/layers')).status, 200);
      const server = await waitFor(
        () => spans(sink).find((s) => s.kind === 2 && s.resource['service.name'] === 'layers' && s.attributes['http.route'] === '/hello/:name'),
        { what: 'server span' },
      );
      const scopes = await waitFor(() => {
        const found = new Set(spans(sink).filter((s) => s.traceId === server.traceId).map((s) => s.scope));
        return found.has(P + 'express') && found.has(P + 'router') ? found : undefined;
      }, { what: 'express and router layer spans in the same trace' });
      assert.ok(scopes.has(P + 'http'));
      // Layer spans hang below the server span (router spans nest inside one another).
      const trace = spans(sink).filter((s) => s.traceId === server.traceId);
      const ids = new Set(trace.map((s) => s.spanId));
      assert.equal(server.parentSpanId, '', 'the server span is the root');
      for (const s of trace.filter((x) => x.spanId !== server.spanId)) assert.ok(ids.has(s.parentSpanId), `${s.name} has its parent in the trace`);
    });
  });
});
