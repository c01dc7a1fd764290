/**
 * The Prometheus query API over raw HTTP: parameter parsing (GET and POST
 * form, like Grafana), Prometheus' exact JSON (times, value strings,
 * errors and their statuses), the series/labels/metadata endpoints over the
 * real MemoryStore, buildinfo and CORS.
 */
import assert from 'node:assert/strict';
import { matrixSeries, QueryError, type QueryValue } from '../../../../agent/promql/types';
import { MemoryStore } from '../../../../agent/store';
import { FakeEngine, startApi, type ApiServer } from './api-server';

const NOW = 1_700_000_000_123;

describe('Prometheus HTTP API router', () => {
  let engine: FakeEngine;
  let store: MemoryStore;
  let api: ApiServer;

  beforeEach(async () => {
    engine = new FakeEngine();
    store = new MemoryStore({ now: () => NOW });
    api = await startApi({ engine, querier: store, metadata: store, buildInfo: { version: '2.53.0', revision: 'abc' }, now: () => NOW });
  });
  afterEach(async () => { await api.close(); });

  describe('/api/v1/query', () => {
    it('answers a vector in Prometheus\' exact JSON, values as Go formats them', async () => {
      engine.answer = (): QueryValue => ({
        resultType: 'vector',
        result: [
          { metric: { __name__: 'up', job: 'a<b', Zone: 'z' }, t: 1_700_000_000_123, value: 1.5 },
          { metric: {}, t: 1_700_000_000_500, value: Infinity },
          { metric: {}, t: 1_700_000_000_000, value: -Infinity },
          { metric: {}, t: 1_700_000_000_007, value: NaN },
          { metric: {}, t: 1_700_000_000_050, value: 1e21 },
          { metric: {}, t: 1_700_000_000_000, value: 1e-7 },
        ],
      });
      const r = await api.get('/api/v1/query?query=up&time=1700000000.123');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(r.body, '{"status":"success","data":{"resultType":"vector","result":['
        + '{"metric":{"Zone":"z","__name__":"up","job":"a\\u003cb"},"value":[1700000000.123,"1.5"]},'
        + '{"metric":{},"value":[1700000000.500,"+Inf"]},'
        + '{"metric":{},"value":[1700000000,"-Inf"]},'
        + '{"metric":{},"value":[1700000000.007,"NaN"]},'
        + '{"metric":{},"value":[1700000000.050,"1000000000000000000000"]},'
        + '{"metric":{},"value":[1700000000,"0.0000001"]}]}}');
      assert.deepEqual(engine.calls, [{ kind: 'instant', expr: 'up', t: 1_700_000_000_123 }]);
    });

    it('takes POST form bodies (Grafana), defaults time to now, and reads RFC 3339 times', async () => {
      engine.answer = () => ({ resultType: 'scalar', result: { t: NOW, value: 2 } });
      const r = await api.post('/api/v1/query', 'query=1%2B1');
      assert.equal(r.body, '{"status":"success","data":{"resultType":"scalar","result":[1700000000.123,"2"]}}');
      await api.post('/api/v1/query?time=1', 'query=x&time=2015-07-01T20:10:51.781Z');
      await api.get('/api/v1/query?query=x&time=2015-07-01T22:10:51.7819%2B02:00');
      await api.get('/api/v1/query?query=x&time=1435781451.7815');
      assert.deepEqual(engine.calls.map((c) => [c.expr, c.t]), [
        ['1+1', NOW], ['x', 1435781451781], ['x', 1435781451781], ['x', 1435781451782],
      ]);
    });

    it('answers strings and rejects bad times with bad_data 400', async () => {
      engine.answer = () => ({ resultType: 'string', result: { t: 1000, value: 'a"b' } });
      assert.equal((await api.get('/api/v1/query?query=%22a%5C%22b%22')).body,
        '{"status":"success","data":{"resultType":"string","result":[1,"a\\"b"]}}');
      const r = await api.get('/api/v1/query?query=up&time=yesterday');
      assert.equal(r.status, 400);
      assert.equal(r.body, '{"status":"error","errorType":"bad_data","error":"invalid parameter \\"time\\": cannot parse \\"yesterday\\" to a valid timestamp"}');
      const t = await api.get('/api/v1/query?query=up&timeout=soon');
      assert.deepEqual([t.status, t.json.error], [400, 'invalid parameter "timeout": cannot parse "soon" to a valid duration']);
    });

    it('maps engine errors to Prometheus\' errorType and status', async () => {
      const cases: [Error, number, string][] = [
        [new QueryError('1:4: parse error: unexpected end of input', 'bad_data'), 400, 'bad_data'],
        [new QueryError('expected type range vector in call to function "rate", got instant vector', 'bad_data'), 400, 'bad_data'],
        [new QueryError('vector cannot contain metrics with the same labelset', 'execution'), 422, 'execution'],
        [new QueryError('query timed out in expression evaluation', 'timeout'), 503, 'timeout'],
        [new QueryError('query was canceled', 'canceled'), 499, 'canceled'],
        [new Error('something odd'), 422, 'execution'],
        [new TypeError('x is undefined'), 500, 'internal'],
      ];
      for (const [err, status, type] of cases) {
        engine.answer = () => { throw err; };
        const r = await api.get('/api/v1/query?query=q');
        assert.deepEqual([r.status, r.json], [status, { status: 'error', errorType: type, error: err.message }]);
      }
    });
  });

  describe('/api/v1/query_range', () => {
    it('passes start, end and step in ms and answers a matrix', async () => {
      engine.answer = (): QueryValue => ({
        resultType: 'matrix',
        result: [matrixSeries({ __name__: 'x' }, [{ t: 1000, value: 1 }, { t: 16_000, value: 0.25 }]), matrixSeries({ a: '1' }, [])],
      });
      const r = await api.get('/api/v1/query_range?query=x&start=1&end=16&step=15s');
      assert.equal(r.body, '{"status":"success","data":{"resultType":"matrix","result":['
        + '{"metric":{"__name__":"x"},"values":[[1,"1"],[16,"0.25"]]},{"metric":{"a":"1"},"values":[]}]}}');
      await api.post('/api/v1/query_range', 'query=y&start=2015-07-01T20:10:30.781Z&end=2015-07-01T20:11:00.781Z&step=0.5');
      await api.get('/api/v1/query_range?query=z&start=0&end=3600&step=1m30s');
      assert.deepEqual(engine.calls.map((c) => [c.expr, c.start, c.end, c.step]), [
        ['x', 1000, 16_000, 15_000], ['y', 1435781430781, 1435781460781, 500], ['z', 0, 3_600_000, 90_000],
      ]);
    });

    it('rejects missing or inconsistent parameters with Prometheus\' messages', async () => {
      const cases: [string, string][] = [
        ['query=x&end=10&step=1', 'invalid parameter "start": cannot parse "" to a valid timestamp'],
        ['query=x&start=10&step=1', 'invalid parameter "end": cannot parse "" to a valid timestamp'],
        ['query=x&start=10&end=5&step=1', 'end timestamp must not be before start time'],
        ['query=x&start=0&end=5&step=fast', 'invalid parameter "step": cannot parse "fast" to a valid duration'],
        ['query=x&start=0&end=5&step=0', 'zero or negative query resolution step widths are not accepted. Try a positive integer'],
        ['query=x&start=0&end=5&step=-1s', 'invalid parameter "step": cannot parse "-1s" to a valid duration'],
        ['query=x&start=0&end=11001&step=1', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)'],
      ];
      for (const [qs, msg] of cases) {
        const r = await api.get(`/api/v1/query_range?${qs}`);
        assert.deepEqual([r.status, r.json], [400, { status: 'error', errorType: 'bad_data', error: msg }], qs);
      }
      const ok = await api.get('/api/v1/query_range?query=x&start=0&end=11000&step=1');
      assert.equal(ok.status, 200, 'exactly 11,000 steps are allowed');
      assert.equal(engine.calls.length, 1);
    });
  });

  describe('metadata endpoints over the MemoryStore', () => {
    beforeEach(() => {
      const add = (labels: Record<string, string>, t: number) => assert.ok(store.append(labels, t, 1));
      add({ __name__: 'up', job: 'api', instance: 'a' }, NOW - 1000);
      add({ __name__: 'up', job: 'db', instance: 'b' }, NOW - 1000);
      add({ __name__: 'http_requests_total', job: 'api', code: '200' }, NOW - 500);
      add({ __name__: 'old_metric', job: 'api' }, NOW - 3_000_000);
      store.setMetadata('http_requests_total', { type: 'counter', help: 'Requests.', unit: '' });
      store.setMetadata('up', { type: 'gauge', help: 'Up & running', unit: '' });
    });

    it('/api/v1/series: match[] (several, GET and POST) within start/end, sorted', async () => {
      const r = await api.get('/api/v1/series?match[]=up&match[]=%7Bjob%3D%22api%22%2C__name__%3D~%22http.*%22%7D');
      assert.equal(r.body, '{"status":"success","data":['
        + '{"__name__":"http_requests_total","code":"200","job":"api"},'
        + '{"__name__":"up","instance":"a","job":"api"},{"__name__":"up","instance":"b","job":"db"}]}');
      const p = await api.post('/api/v1/series', `match[]=${encodeURIComponent('{job="api"}')}&start=${(NOW - 60_000) / 1000}`);
      assert.deepEqual(p.json.data.map((l: Record<string, string>) => l.__name__), ['http_requests_total', 'up'], 'old_metric is before start');
      const limited = await api.get('/api/v1/series?match[]=up&limit=1');
      assert.deepEqual(limited.json, { status: 'success', data: [{ __name__: 'up', instance: 'a', job: 'api' }], warnings: ['results truncated due to limit'] });
    });

    it('/api/v1/series: errors for missing, empty-only and unparsable selectors', async () => {
      const cases: [string, RegExp][] = [
        ['', /^no match\[\] parameter provided$/],
        ['?match[]=%7B%7D', /^vector selector must contain at least one non-empty matcher$/],
        ['?match[]=%7Bjob%3D~%22.*%22%7D', /^vector selector must contain at least one non-empty matcher$/],
        ['?match[]=rate(up%5B5m%5D)', /parse error: expected a series selector/],
        ['?match[]=up%7Bjob%3D', /^1:\d+: parse error/],
        ['?match[]=%7Bjob%3D~%22(%22%7D', /invalid regular expression in matcher job=~"\("/],
      ];
      for (const [qs, msg] of cases) {
        const r = await api.get(`/api/v1/series${qs}`);
        assert.equal(r.status, 400, qs);
        assert.equal(r.json.errorType, 'bad_data');
        assert.match(r.json.error, msg, qs);
      }
    });

    it('/api/v1/labels and /api/v1/label/:name/values, with and without match[]', async () => {
      assert.deepEqual((await api.get('/api/v1/labels')).json.data, ['__name__', 'code', 'instance', 'job']);
      assert.deepEqual((await api.post('/api/v1/labels', 'match[]=up')).json.data, ['__name__', 'instance', 'job']);
      assert.deepEqual((await api.get('/api/v1/label/__name__/values')).json.data, ['http_requests_total', 'old_metric', 'up']);
      assert.deepEqual((await api.get('/api/v1/label/job/values?match[]=up')).json.data, ['api', 'db']);
      assert.deepEqual((await api.get('/api/v1/label/job/values?limit=1')).json, { status: 'success', data: ['api'], warnings: ['results truncated due to limit'] });
      const bad = await api.get('/api/v1/label/foo-bar/values');
      assert.deepEqual([bad.status, bad.json.error], [400, 'invalid label name: "foo-bar"']);
    });

    it('/api/v1/metadata from the store, filtered and limited', async () => {
      assert.equal((await api.get('/api/v1/metadata')).body, '{"status":"success","data":{'
        + '"http_requests_total":[{"type":"counter","help":"Requests.","unit":""}],'
        + '"up":[{"type":"gauge","help":"Up \\u0026 running","unit":""}]}}');
      assert.deepEqual((await api.get('/api/v1/metadata?metric=up')).json.data, { up: [{ type: 'gauge', help: 'Up & running', unit: '' }] });
      assert.deepEqual((await api.get('/api/v1/metadata?metric=nope')).json.data, {});
      assert.deepEqual(Object.keys((await api.get('/api/v1/metadata?limit=1')).json.data), ['http_requests_total']);
      assert.deepEqual((await api.get('/api/v1/metadata?limit_per_metric=0')).json.data.up, []);
    });
  });

  it('/api/v1/status/buildinfo and /api/v1/query_exemplars', async () => {
    assert.deepEqual((await api.get('/api/v1/status/buildinfo')).json, {
      status: 'success',
      data: { version: '2.53.0', revision: 'abc', branch: '', buildUser: '', buildDate: '', goVersion: '' },
    });
    assert.deepEqual((await api.post('/api/v1/query_exemplars', 'query=up&start=1&end=2')).json, { status: 'success', data: [] });
  });

  it('sends no CORS headers itself: the admin server decides centrally (admin.cors.origins)', async () => {
    const r = await api.get('/api/v1/labels', { origin: 'http://grafana.local:3000' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  });

  it('answers an unparsable form body in the API error shape', async () => {
    const r = await api.post('/api/v1/query', 'query=' + 'x'.repeat(1_100_000));
    assert.equal(r.status, 413);
    assert.equal(r.json.status, 'error');
    assert.equal(r.json.errorType, 'bad_data');
  });
});
