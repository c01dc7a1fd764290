/**
 * /api/v1/labels and /api/v1/label/<name>/values with match[] under the
 * query limits (issue 8): the `timeout` parameter and query.timeout (503
 * errorType timeout), the concurrency gate (503 unavailable), cancellation
 * when the client disconnects, and matching in slices, so the event loop
 * keeps turning while a large match[] runs over many series.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { metrics } from '@opentelemetry/api';
import { createEngine } from '../../../../agent/promql';
import { QueryGate } from '../../../../agent/promql/query-gate';
import { QueryTelemetry } from '../../../../agent/api/prometheus';
import { MemoryStore } from '../../../../agent/store';
import { waitFor } from '../../../helpers/wait';
import { startApi, type ApiServer } from './api-server';

// 60 000 values of `i`: bigMatch(150) is then 1.2-1.9 s of matching on a quiet machine (sorting the matched
// series no longer builds a key string per series, which was most of the work at 20 000).
const SERIES = 60_000;
const END = 3600_000;
const TIMEOUT_JSON = { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' };

/** n match[] sets, each testing a regex against every value of `i` (60 000 matches, ~10 ms): 150 of them are seconds of work. */
function bigMatch(n: number): string {
  const out: string[] = [];
  for (let k = 0; k < n; k++) out.push(`match[]=${encodeURIComponent(`{i=~".*${k % 10}.*${(k * 7) % 10}.*${k}"}`)}`);
  return out.join('&');
}

describe('Prometheus HTTP API: label endpoints under the query limits', function () {
  this.timeout(60_000);
  let api: ApiServer;
  let gate: QueryGate;
  let telemetry: QueryTelemetry;

  before(async () => {
    const store = new MemoryStore({ now: () => END });
    for (let i = 0; i < SERIES; i++) store.append({ __name__: i % 2 ? 'odd' : 'even', i: String(i), ...(i % 1000 === 0 ? { thousand: 'yes' } : {}) }, END, i);
    // query.timeout well below the work of bigMatch(150) (>= 1.2 s on a quiet machine), so the timeout tests hold on any machine.
    const engine = createEngine(store, { timeoutMs: 500, now: () => END });
    gate = new QueryGate(1, 0);
    telemetry = new QueryTelemetry(metrics.getMeter('test'), gate);
    const logger = { warn: () => undefined, error: () => undefined } as never;
    api = await startApi({ engine, querier: store, buildInfo: { version: '2.42.0' }, now: () => END, gate, telemetry, logger });
  });
  after(async () => { await api?.close(); });

  it('answers match[] on both endpoints', async () => {
    const names = await api.get(`/api/v1/labels?match[]=${encodeURIComponent('{thousand="yes"}')}`);
    assert.deepEqual(names.json, { status: 'success', data: ['__name__', 'i', 'thousand'] });
    const values = await api.get(`/api/v1/label/i/values?match[]=${encodeURIComponent('{thousand="yes"}')}&match[]=${encodeURIComponent('odd{i="7"}')}`);
    const thousands = Array.from({ length: SERIES / 1000 }, (_, k) => String(k * 1000));
    assert.deepEqual(values.json.data, [...thousands, '7'].sort());
    assert.equal(values.json.data.length, SERIES / 1000 + 1);
    const posted = await api.post('/api/v1/labels', `match[]=${encodeURIComponent('odd{i="7"}')}`);
    assert.deepEqual(posted.json.data, ['__name__', 'i']);
  });

  for (const path of ['/api/v1/labels', '/api/v1/label/i/values']) {
    it(`${path}: honours the timeout parameter with Prometheus' error JSON`, async () => {
      const before = telemetry.totals.timeout ?? 0;
      const t0 = performance.now();
      const r = await api.get(`${path}?${bigMatch(150)}&timeout=50ms`);
      const took = performance.now() - t0;
      assert.equal(r.status, 503, r.body.slice(0, 300));
      assert.deepEqual(r.json, TIMEOUT_JSON);
      assert.ok(took < 1_000, `answered after ${took.toFixed(0)} ms`);
      assert.equal(telemetry.totals.timeout, before + 1);
    });
  }

  it('applies query.timeout when no timeout parameter is given', async () => {
    const t0 = performance.now();
    const r = await api.get(`/api/v1/label/i/values?${bigMatch(150)}`);
    const took = performance.now() - t0;
    assert.deepEqual([r.status, r.json], [503, TIMEOUT_JSON]);
    assert.ok(took >= 450 && took < 3_000, `answered after ${took.toFixed(0)} ms (query.timeout 0.5 s)`);
  });

  it('keeps the event loop turning while a large match[] runs', async () => {
    // A timer every 5 ms: with matching in one piece, the gap would be the whole request.
    let last = performance.now();
    let maxGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 5);
    try {
      const t0 = performance.now();
      const r = await api.get(`/api/v1/labels?${bigMatch(150)}&timeout=1s`);
      const took = performance.now() - t0;
      assert.ok(r.status === 200 || r.json.errorType === 'timeout', r.body.slice(0, 300));
      assert.ok(took > 300, `the request took only ${took.toFixed(0)} ms: not enough work to tell`);
    } finally {
      clearInterval(timer);
    }
    assert.ok(maxGap < 150, `the event loop stalled for ${maxGap.toFixed(0)} ms`);
  });

  it('goes through the concurrency gate: refused at once when the slot is taken and nothing may queue', async () => {
    const running = api.get(`/api/v1/label/i/values?${bigMatch(150)}&timeout=2s`);
    await waitFor(() => gate.running === 1, { timeoutMs: 5000 });
    const r = await api.get(`/api/v1/labels?${bigMatch(1)}`);
    assert.equal(r.status, 503);
    assert.equal(r.json.errorType, 'unavailable');
    await running;
    assert.equal(gate.running, 0);
  });

  it('cancels the matching of a client that disconnects', async () => {
    const before = telemetry.totals.canceled ?? 0;
    const req = http.get(`${api.url}/api/v1/label/i/values?${bigMatch(150)}`);
    req.on('error', () => undefined);
    await waitFor(() => gate.running === 1, { timeoutMs: 5000 });
    req.destroy();
    await waitFor(() => gate.running === 0, { timeoutMs: 1000 });
    assert.equal(telemetry.totals.canceled, before + 1);
  });
});
