/**
 * The bundle's layout keeps code most apps never run out of their heap:
 * gRPC and systeminformation live in vendor/ bundles required on first use.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { OtlpSink } from '../../helpers/otlp-sink';
import { waitFor } from '../../helpers/wait';
import { GrpcSink } from '../helpers/grpc-sink';
import { builtPreload, fastExportEnv, makeAppDir, removeTmpDirs, startApp, stopAllApps } from '../helpers/preload-harness';

describe('preload: bundle layout', function () {
  this.timeout(60000);
  after(async () => {
    await stopAllApps();
    removeTmpDirs();
  });

  it('keeps @grpc/grpc-js and systeminformation out of lookout-preload.js, in vendor bundles', async () => {
    const dir = await builtPreload();
    const main = readFileSync(path.join(dir, 'lookout-preload.js'), 'utf8');
    assert.ok(main.includes('require("./vendor/grpc-grpc-js.js")'), 'the main bundle requires the gRPC vendor bundle');
    assert.ok(!main.includes('grpc.max_receive_message_length'), 'no grpc-js source in the main bundle');
    assert.ok(existsSync(path.join(dir, 'vendor/grpc-grpc-js.js')));
    assert.ok(existsSync(path.join(dir, 'vendor/systeminformation.js')));
  });

  it('loads no vendor bundle with the default http/protobuf export, and the gRPC one with OTEL_EXPORTER_OTLP_PROTOCOL=grpc', async () => {
    const preloadDir = await builtPreload();
    const appDir = makeAppDir(['express-app.js'], ['express', 'pino', 'winston', 'bunyan']);
    const sink = await new OtlpSink().start();
    const grpc = await new GrpcSink().start();
    try {
      const plain = await startApp(appDir, 'express-app.js', { preload: 'require', preloadDir, env: fastExportEnv(sink.url) });
      assert.deepEqual((await plain.get('/vendor-loaded')).body, []);
      const viaGrpc = await startApp(appDir, 'express-app.js', {
        preload: 'require',
        preloadDir,
        env: { ...fastExportEnv(grpc.url), OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      });
      // The gRPC exporter loads grpc-js on its first export.
      await viaGrpc.get('/hello/grpc');
      await waitFor(async () => grpc.received.length > 0, { what: 'an export over gRPC' });
      assert.deepEqual((await viaGrpc.get('/vendor-loaded')).body, ['grpc-grpc-js.js']);
    } finally {
      await stopAllApps();
      await sink.stop();
      await grpc.stop();
    }
  });
});
