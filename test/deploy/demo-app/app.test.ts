/**
 * The demo service's behaviour, in process and uninstrumented (the
 * instrumented run is in server.test.ts).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { StructuredLogger } from '../../../instrumentation';
import { createDemoApp, type DemoApp } from '../../../deploy/demo-app/app';
import { loadDemoConfig, type DemoConfig } from '../../../deploy/demo-app/config';
import { repoRoot } from '../../helpers/repo';
import { captureLines } from '../../instrumentation/toolkit/telemetry-harness';

interface Running {
  url: string;
  logs: Record<string, unknown>[];
  demo: DemoApp;
  get(p: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

async function startDemo(env: NodeJS.ProcessEnv, random: () => number = Math.random): Promise<Running> {
  const config: DemoConfig = loadDemoConfig({ HOST: '127.0.0.1', PORT: '0', DEMO_RETRY_BASE_DELAY_MS: '1', ...env });
  const out = captureLines();
  let url = '';
  const demo = createDemoApp(config, { logger: new StructuredLogger('demo-app', { destination: out }), random, selfUrl: () => url });
  const server: Server = await new Promise((resolve) => {
    const s = demo.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    logs: out.lines,
    demo,
    get: async (p) => {
      const res = await fetch(url + p);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    close: async () => {
      demo.dependency.dispose();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('demo app', function () {
  this.timeout(20000);
  const running: Running[] = [];
  const start = async (env: NodeJS.ProcessEnv, random?: () => number) => {
    const r = await startDemo(env, random);
    running.push(r);
    return r;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.close()));
  });

  it('GET / and /health answer like the seed', async () => {
    const demo = await start({});
    assert.deepEqual(await demo.get('/'), { status: 200, body: { message: 'Lookout demo API', status: 'healthy' } });
    const health = await demo.get('/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'healthy');
    assert.ok(Math.abs(Date.parse(String(health.body.timestamp)) - Date.now()) < 5000);
    assert.equal(typeof health.body.uptime_seconds, 'number');
    assert.deepEqual(await demo.get('/nope'), { status: 404, body: { detail: 'Not Found' } });
  });

  it('/simulate/error fails with 500 when the draw is under DEMO_ERROR_RATE (80 %), else 200', async () => {
    const draws = [0.5, 0.85];
    const demo = await start({}, () => draws.shift() ?? 0);
    const failed = await demo.get('/simulate/error');
    assert.equal(failed.status, 500);
    assert.equal(failed.body.detail, 'Simulated error');
    const error = failed.body.error as Record<string, unknown>;
    assert.equal(error.error_type, 'LookoutError');
    assert.deepEqual(error.details, { endpoint: '/simulate/error', error_rate: 0.8 });
    assert.deepEqual(await demo.get('/simulate/error'), { status: 200, body: { message: 'No error this time!' } });
    assert.ok(demo.logs.some((l) => l.level === 'warn' && l.message === 'Simulating error for testing'));
    const failure = demo.logs.find((l) => l.message === 'HTTP request failed');
    assert.equal(failure?.status_code, 500);
    assert.equal(failure?.error_type, 'LookoutError');
  });

  it('/simulate/slow waits within the configured range', async () => {
    const demo = await start({ DEMO_SLOW_MIN_MS: '100', DEMO_SLOW_MAX_MS: '200' }, () => 0.5);
    const started = Date.now();
    const res = await demo.get('/simulate/slow');
    const took = Date.now() - started;
    assert.equal(res.status, 200);
    assert.equal(res.body.message, 'Delayed response after 0.15 seconds');
    assert.ok(took >= 145, `took ${took} ms`);
    assert.ok(demo.logs.some((l) => l.message === 'Simulating slow response' && l.delay_seconds === 0.15));
  });

  it('/dependency returns the inventory when the dependency answers', async () => {
    const demo = await start({ DEMO_DEPENDENCY_FAILURE_RATE: '0' });
    const res = await demo.get('/dependency');
    assert.equal(res.status, 200);
    assert.equal(res.body.breaker, 'closed');
    assert.equal((res.body.items as unknown[]).length, 3);
  });

  it('/dependency retries a failing dependency 3 times, then answers 503 with the taxonomy error', async () => {
    const demo = await start({ DEMO_DEPENDENCY_FAILURE_RATE: '1', DEMO_BREAKER_FAILURES: '5' });
    const res = await demo.get('/dependency');
    assert.equal(res.status, 503);
    assert.equal(res.body.detail, 'Service error: 503');
    assert.equal((res.body.error as Record<string, unknown>).error_type, 'ServiceUnavailableError');
    const inventoryCalls = demo.logs.filter((l) => l.message === 'HTTP request received' && l.path === '/internal/inventory');
    assert.equal(inventoryCalls.length, 4, 'first call + 3 retries');
    assert.equal(demo.logs.filter((l) => String(l.message).startsWith('Function fetch_inventory failed (attempt')).length, 3);
  });

  it('/dependency opens the circuit breaker after repeated failures and then fails fast', async () => {
    const demo = await start({ DEMO_DEPENDENCY_FAILURE_RATE: '1', DEMO_BREAKER_FAILURES: '2', DEMO_BREAKER_OPEN_MS: '60000' });
    await demo.get('/dependency');
    await demo.get('/dependency');
    assert.equal(demo.demo.dependency.breaker.state, 'open');
    const before = demo.logs.filter((l) => l.path === '/internal/inventory' && l.message === 'HTTP request received').length;
    const res = await demo.get('/dependency');
    assert.equal(res.status, 503);
    assert.match(String(res.body.detail), /^circuit breaker "inventory" is open/);
    const after = demo.logs.filter((l) => l.path === '/internal/inventory' && l.message === 'HTTP request received').length;
    assert.equal(after, before, 'the dependency was not called while the circuit is open');
    assert.ok(demo.logs.some((l) => l.message === 'Circuit breaker inventory opened'));
  });

  it('logs every request like the seed middleware (received / completed with status and duration)', async () => {
    const demo = await start({});
    await demo.get('/health');
    const received = demo.logs.find((l) => l.message === 'HTTP request received' && l.path === '/health');
    assert.equal(received?.method, 'GET');
    const completed = demo.logs.find((l) => l.message === 'HTTP request completed' && l.path === '/health');
    assert.equal(completed?.status_code, 200);
    assert.equal(typeof completed?.duration_seconds, 'number');
    assert.equal(completed?.service, 'demo-app');
  });

  it('does not import OpenTelemetry itself (the preload instruments it)', () => {
    const dir = path.join(repoRoot, 'deploy/demo-app');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      assert.doesNotMatch(readFileSync(path.join(dir, file), 'utf8'), /from '@opentelemetry\//, file);
    }
  });
});
