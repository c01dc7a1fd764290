import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { targetsApiRouter, type TargetsProvider } from '../../../../agent/api/prometheus/targets';

describe('GET /api/v1/targets', () => {
  it('answers in Prometheus\' shape, filters by state, refuses a bad state, and is empty without a scrape receiver', async () => {
    const provider: TargetsProvider = {
      targets: () => ({
        activeTargets: [{
          discoveredLabels: { __address__: 'a:1', job: 'j' }, labels: { job: 'j', instance: 'a:1' }, scrapePool: 'j', scrapeUrl: 'http://a:1/metrics',
          globalUrl: 'http://a:1/metrics', lastError: '', lastScrape: '2026-01-01T00:00:00.000Z', lastScrapeDuration: 0.01, health: 'up', scrapeInterval: '15s', scrapeTimeout: '10s',
        }],
        droppedTargets: [{ discoveredLabels: { __address__: 'b:1' } }],
      }),
    };
    let current: TargetsProvider | undefined = provider;
    const app = express().use(targetsApiRouter(() => current));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/targets`;
    try {
      const all = await (await fetch(base)).json() as { status: string; data: Record<string, unknown[]> };
      assert.equal(all.status, 'success');
      assert.deepEqual(Object.keys(all.data).sort(), ['activeTargets', 'droppedTargets']);
      const dropped = await (await fetch(`${base}?state=dropped`)).json() as { data: Record<string, unknown[]> };
      assert.deepEqual(Object.keys(dropped.data), ['droppedTargets']);
      const active = await (await fetch(`${base}?state=active`)).json() as { data: Record<string, unknown[]> };
      assert.deepEqual(Object.keys(active.data), ['activeTargets']);
      const bad = await fetch(`${base}?state=nope`);
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: string }).error, /invalid state "nope"/);
      current = undefined;
      assert.deepEqual(((await (await fetch(base)).json()) as { data: unknown }).data, { activeTargets: [], droppedTargets: [] });
    } finally {
      server.close();
    }
  });
});
