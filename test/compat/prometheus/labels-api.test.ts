/**
 * /api/v1/labels and /api/v1/label/<name>/values with match[] against the
 * real Prometheus 2.42 on the same data (the PromQL suite's fixed data set):
 * the answers' `data` must be equal. Needs /usr/bin/prometheus and promtool
 * (skipped without them unless CI is set).
 */
import assert from 'node:assert/strict';
import { MemoryStore } from '../../../agent/store';
import { createEngine } from '../../../agent/promql';
import { QueryGate } from '../../../agent/promql/query-gate';
import { startApi, type ApiServer } from '../../agent/api/prometheus/api-server';
import { DATA_END, fixedDataset, loadInto, toOpenMetrics } from './dataset';
import { PrometheusServer, requirePrometheus } from './prometheus-server';

/** match[] sets (each case one request; several match[] are a union). */
const MATCH_CASES: string[][] = [
  ['up'],
  ['{job="api"}'],
  ['http_requests_total{code=~"5.."}'],
  ['{__name__=~"room_.*|temperature_celsius"}'],
  ['{__name__=~".+", job!="api"}'],
  ['{instance=~"i[12]"}', 'version_info'],
  ['{__name__=~"rnd_.*", grp="b"}'],
  ['{__name__="no_such_metric"}'],
];
/** Label names whose values are asked for with each match[] case. */
const VALUE_NAMES = ['__name__', 'instance', 'job', 'code', 'room', 'le'];

describe('Prometheus API compatibility: label endpoints with match[]', function () {
  this.timeout(120_000);
  let prom: PrometheusServer | undefined;
  let api: ApiServer | undefined;

  before(async function () {
    const bins = requirePrometheus(this);
    const data = fixedDataset();
    prom = await PrometheusServer.start(bins, toOpenMetrics(data));
    const store = new MemoryStore({ retentionMs: 10 * 365 * 24 * 3600_000, now: () => DATA_END });
    loadInto(store, data);
    // A zero time slice: the sliced path yields at every check, as under load.
    const engine = createEngine(store, { sliceMs: 0 });
    api = await startApi({ engine, querier: store, buildInfo: { version: '2.42.0' }, gate: new QueryGate(4, 16) });
  });

  after(async () => {
    await api?.close();
    await prom?.stop();
  });

  const query = (match: string[]): string => match.map((m) => `match[]=${encodeURIComponent(m)}`).join('&');

  for (const match of MATCH_CASES) {
    it(`/api/v1/labels?match[]=${match.join('&match[]=')}`, async () => {
      const expected = await prom!.get(`/api/v1/labels?${query(match)}`);
      const got = await api!.get(`/api/v1/labels?${query(match)}`);
      assert.equal(expected.status, 'success');
      assert.deepEqual(got.json, expected);
    });

    it(`/api/v1/label/<name>/values?match[]=${match.join('&match[]=')}`, async () => {
      for (const name of VALUE_NAMES) {
        const expected = await prom!.get(`/api/v1/label/${name}/values?${query(match)}`);
        const got = await api!.get(`/api/v1/label/${name}/values?${query(match)}`);
        assert.equal(expected.status, 'success');
        assert.deepEqual(got.json, expected, name);
      }
    });
  }

  it('refuses a selector matching everything as Prometheus does (bad_data)', async () => {
    const expected = await prom!.get(`/api/v1/labels?${query(['{job=~".*"}'])}`) as { status: string; errorType?: string };
    const got = await api!.get(`/api/v1/labels?${query(['{job=~".*"}'])}`);
    assert.deepEqual([got.status, got.json.status, got.json.errorType], [400, expected.status, expected.errorType]);
  });
});
