/**
 * Query limits through the HTTP API, as Prometheus answers them: the
 * `timeout` parameter (503 errorType timeout), a client that disconnects
 * (the query is canceled, not left running), too many queries (503
 * errorType unavailable), max samples (422 execution).
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

const END = 3600_000;
const HEAVY = encodeURIComponent('max_over_time(sum(x)[1h:1ms])');

describe('Prometheus HTTP API query limits', function () {
  this.timeout(30_000);
  let api: ApiServer;
  let gate: QueryGate;
  let telemetry: QueryTelemetry;
  const warnings: object[] = [];

  before(async () => {
    const store = new MemoryStore({ now: () => END });
    for (let i = 0; i < 1000; i++) for (let t = 0; t <= END; t += 60_000) store.append({ __name__: 'x', i: String(i) }, t, i);
    const engine = createEngine(store, { timeoutMs: 1_500, maxSamples: 200_000, now: () => END });
    gate = new QueryGate(2, 1);
    telemetry = new QueryTelemetry(metrics.getMeter('test'), gate);
    const logger = { warn: (o: object) => warnings.push(o), error: () => undefined } as never;
    api = await startApi({ engine, querier: store, buildInfo: { version: '2.42.0' }, now: () => END, gate, telemetry, logger });
  });
  after(async () => { await api?.close(); });

  it('honours the timeout parameter: 503, errorType timeout, quickly', async () => {
    const t0 = performance.now();
    const r = await api.get(`/api/v1/query?query=${HEAVY}&time=${END / 1000}&timeout=300ms`);
    const took = performance.now() - t0;
    assert.equal(r.status, 503, r.body);
    assert.deepEqual(r.json, { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' });
    assert.ok(took < 2000, `took ${took} ms`);
    assert.equal(telemetry.totals.timeout, 1);
    assert.equal(warnings.length, 1, 'the first limit hit is logged');
  });

  it('applies the engine timeout when the parameter is larger or absent', async () => {
    const t0 = performance.now();
    const r = await api.get(`/api/v1/query_range?query=${HEAVY}&start=${(END - 60_000) / 1000}&end=${END / 1000}&step=60&timeout=1h`);
    assert.equal(r.status, 503, r.body);
    assert.equal(r.json.errorType, 'timeout');
    assert.ok(performance.now() - t0 < 4000);
    assert.equal(warnings.length, 1, 'further hits within a minute are not logged again');
  });

  it('refuses a bad timeout parameter with Prometheus\' message', async () => {
    const r = await api.get(`/api/v1/query?query=x&timeout=soon`);
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'invalid parameter "timeout": cannot parse "soon" to a valid duration');
  });

  it('cancels the query of a client that disconnects', async () => {
    const before = telemetry.totals.canceled ?? 0;
    const req = http.get(`${api.url}/api/v1/query?query=${HEAVY}&time=${END / 1000}`);
    req.on('error', () => undefined);
    await waitFor(() => gate.running === 1, { timeoutMs: 5000 });
    req.destroy();
    await waitFor(() => gate.running === 0, { timeoutMs: 2000 });
    assert.equal(telemetry.totals.canceled, before + 1);
  });

  it('answers 503 unavailable when max_concurrency run and max_queued wait', async () => {
    const q = `/api/v1/query?query=${HEAVY}&time=${END / 1000}&timeout=1s`;
    const running = [api.get(q), api.get(q)];
    await waitFor(() => gate.running === 2, { timeoutMs: 5000 });
    const queued = api.get(q);
    await waitFor(() => gate.queued === 1, { timeoutMs: 5000 });
    const r = await api.get(q);
    assert.equal(r.status, 503);
    assert.equal(r.json.errorType, 'unavailable');
    assert.match(r.json.error, /too many queries/);
    // The queued one waits within its own timeout, which runs out in the queue or right after.
    const all = await Promise.all([...running, queued]);
    for (const a of all) assert.equal(a.json.errorType, 'timeout');
    assert.equal(gate.running + gate.queued, 0);
  });

  it('answers 422 execution when a query would hold too many samples', async () => {
    const r = await api.get(`/api/v1/query?query=${encodeURIComponent('count_over_time(x[1h:1s])')}&time=${END / 1000}`);
    assert.equal(r.status, 422, r.body);
    assert.equal(r.json.errorType, 'execution');
    assert.match(r.json.error, /too many samples/);
  });

  it('still answers ordinary queries', async () => {
    const r = await api.get(`/api/v1/query?query=count(x)&time=${END / 1000}`);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.json.data.result[0].value[1], '1000');
  });
});
