/**
 * The preload never harms the app: with the sidecar unreachable the app
 * answers as usual, memory stays bounded and stderr gets one line per
 * minute; OTEL_SDK_DISABLED really disables; a broken preload leaves the app
 * running uninstrumented.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, cpSync } from 'node:fs';
import path from 'node:path';
import { OtlpSink } from '../../helpers/otlp-sink';
import { freePort } from '../../helpers/agent-process';
import { waitFor } from '../../helpers/wait';
import {
  builtPreload, makeAppDir, removeTmpDirs, startApp, stopAllApps, tmpDir,
} from '../helpers/preload-harness';

async function hammer(url: string, total: number, concurrency: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const res = await fetch(`${url}/hello/n${i}`);
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}

describe('preload: never harms the app', function () {
  this.timeout(90000);
  let preloadDir: string;
  let appDir: string;

  before(async () => {
    preloadDir = await builtPreload();
    appDir = makeAppDir(['express-app.js', 'esm-app.mjs'], ['express', 'pino', 'winston', 'bunyan']);
  });

  after(async () => {
    await stopAllApps();
    removeTmpDirs();
  });

  it('with the sidecar unreachable: every request succeeds, memory stays bounded, one stderr line about it', async () => {
    const deadPort = await freePort(); // nothing listens there
    const endpoint = `http://127.0.0.1:${deadPort}`;
    const app = await startApp(appDir, 'express-app.js', {
      preload: 'require',
      preloadDir,
      nodeFlags: ['--expose-gc'],
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_BLRP_SCHEDULE_DELAY: '50',
        OTEL_METRIC_EXPORT_INTERVAL: '200',
        OTEL_METRIC_EXPORT_TIMEOUT: '200',
        // Give up on each export quickly (the default retries for ~10 s), so failures surface within the test.
        OTEL_EXPORTER_OTLP_TIMEOUT: '300',
      },
    });
    // The fixture runs a GC before measuring (--expose-gc): retained memory, not garbage.
    const memory = async () => (await app.get('/rss')).body as { rss: number; heapUsed: number };
    // Warm up (JIT, pools, queues filling, first exports failing) before the baseline.
    assert.deepEqual([...(await hammer(app.url, 600, 10))], [[200, 600]]);
    const before = await memory();
    const samples = [before];
    for (let round = 0; round < 4; round++) {
      const statuses = await hammer(app.url, 750, 10);
      assert.deepEqual([...statuses], [[200, 750]], 'every request answered 200');
      samples.push(await memory());
    }
    const mb = (bytes: number) => bytes / 1024 / 1024;
    const after = samples.at(-1)!;
    const trail = samples.map((m) => `${mb(m.rss).toFixed(0)}/${mb(m.heapUsed).toFixed(0)}`).join(' -> ');
    // Queues are bounded (OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BLRP_MAX_QUEUE_SIZE: 2048, dropped beyond),
    // so 3000 more undeliverable requests must not grow the process: a leak of even 1 KB
    // per span would show in the heap. RSS gets a looser bound (allocator slack).
    assert.ok(mb(after.heapUsed - before.heapUsed) < 10, `heap grew over 3000 requests; rss/heap MB: ${trail}`);
    assert.ok(mb(after.rss - before.rss) < 50, `RSS grew over 3000 requests; rss/heap MB: ${trail}`);
    await waitFor(() => app.stderr().includes('sending telemetry to'), { what: 'the export failure line' });
    const lines = app.stderr().split('\n').filter((l) => /export|sending telemetry/i.test(l));
    assert.equal(lines.length, 1, `export failures are reported once per minute:\n${app.stderr()}`);
    assert.match(lines[0], new RegExp(`^lookout-preload: \\[error\\] sending telemetry to ${endpoint} failed: .+`));
    await app.stop();
  });

  it('OTEL_SDK_DISABLED=true: nothing is patched or sent, the app works', async () => {
    const sink = await new OtlpSink().start();
    try {
      const app = await startApp(appDir, 'express-app.js', {
        preload: 'require',
        preloadDir,
        env: { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_METRIC_EXPORT_INTERVAL: '100' },
      });
      assert.equal((await app.get('/hello/x')).status, 200);
      assert.deepEqual((await app.get('/patched')).body, { patched: false });
      const exit = await app.stop('SIGTERM');
      assert.deepEqual(exit, { code: null, signal: 'SIGTERM' });
      // The process is gone: anything it would ever send has been sent.
      assert.equal(sink.requestCount, 0);
      assert.equal(app.stderr(), '');
    } finally {
      await sink.stop();
    }
  });

  it('the same app with the SDK enabled is patched (control for the test above)', async () => {
    const app = await startApp(appDir, 'express-app.js', {
      preload: 'require',
      preloadDir,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_LOG_LEVEL: 'none' },
    });
    assert.deepEqual((await app.get('/patched')).body, { patched: true });
    await app.stop('SIGKILL');
  });

  it('a preload that cannot load leaves the app running uninstrumented (CJS and ESM entries)', async () => {
    const broken = path.join(tmpDir('lookout-broken-'), 'otel');
    cpSync(preloadDir, broken, { recursive: true });
    const bundle = path.join(broken, 'lookout-preload.js');
    assert.ok(readFileSync(bundle, 'utf8').length > 0);
    writeFileSync(bundle, "throw new Error('corrupt bundle');\n");
    const cjs = await startApp(appDir, 'express-app.js', { preload: 'require', preloadDir: broken });
    assert.equal((await cjs.get('/hello/x')).status, 200);
    assert.match(cjs.stderr(), /lookout-preload: \[error\] could not load, the app runs without telemetry: Error: corrupt bundle/);
    const esm = await startApp(appDir, 'esm-app.mjs', { preload: 'import', preloadDir: broken });
    assert.equal((await esm.get('/esm/1')).status, 200);
    assert.match(esm.stderr(), /could not load, the app runs without telemetry: Error: corrupt bundle/);
    await Promise.all([cjs.stop(), esm.stop()]);
  });
});
