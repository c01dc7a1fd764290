import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { alertingApiRouter } from '../../../agent/alerting/api';
import { Recorder } from '../notify/recorder';
import { advance, alert, startNotifier, type Harness } from './harness';

describe('alerting API (Alertmanager API v2)', () => {
  let rec: Recorder;
  let h: Harness;
  let server: http.Server;
  let base = '';

  beforeEach(async () => {
    rec = await new Recorder().start();
    h = await startNotifier(`route:
  receiver: default
  group_wait: 0s
  routes: [{matchers: ['team="db"'], receiver: dba, continue: true}, {matchers: ['team="db"'], receiver: default}]
receivers:
  - {name: default, webhook_configs: [{url: "${rec.url}/default"}]}
  - {name: dba, webhook_configs: [{url: "${rec.url}/dba"}]}`);
    const app = express();
    app.use(alertingApiRouter(h.notifier));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    await h.notifier.shutdown();
    await h.host.cleanup();
    await rec.stop();
  });

  const json = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(base + p, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  it('creates, lists, gets, updates and expires silences in API v2 shape', async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const t = h.clock.t;
    const created = await json('POST', '/api/v2/silences', {
      matchers: [{ name: 'alertname', value: 'Disk.*', isRegex: true }], startsAt: iso(t), endsAt: iso(t + 3600_000), createdBy: 'sre', comment: 'disk swap',
    });
    assert.equal(created.status, 200);
    const id = created.body.silenceID as string;
    assert.match(id, /^[0-9a-f-]{36}$/);
    const pending = await json('POST', '/api/v2/silences', {
      matchers: [{ name: 'job', value: 'batch', isRegex: false, isEqual: true }, { name: 'env', value: 'dev', isRegex: false, isEqual: false }], startsAt: iso(t + 600_000), endsAt: iso(t + 7200_000), createdBy: 'sre', comment: 'later',
    });
    const got = await json('GET', `/api/v2/silence/${id}`);
    assert.deepEqual(got.body, {
      id, status: { state: 'active' }, updatedAt: iso(t), matchers: [{ name: 'alertname', value: 'Disk.*', isRegex: true, isEqual: true }],
      startsAt: iso(t), endsAt: iso(t + 3600_000), createdBy: 'sre', comment: 'disk swap',
    });
    const list = await json('GET', '/api/v2/silences');
    assert.deepEqual(list.body.map((s: { id: string; status: { state: string } }) => [s.id, s.status.state]), [[id, 'active'], [pending.body.silenceID, 'pending']]);

    // The silence mutes a matching alert in GET /api/v2/alerts.
    h.notifier.send([alert({ alertname: 'DiskFull' }, h.clock)]);
    const alerts = await json('GET', '/api/v2/alerts');
    assert.equal(alerts.body.length, 1);
    assert.deepEqual(alerts.body[0].status, { state: 'suppressed', silencedBy: [id], inhibitedBy: [] });
    assert.deepEqual(alerts.body[0].receivers, [{ name: 'default' }]);
    assert.match(alerts.body[0].fingerprint, /^[0-9a-f]{16}$/);

    const updated = await json('POST', '/api/v2/silences', { id, matchers: [{ name: 'alertname', value: 'DiskFull', isRegex: false }], startsAt: iso(t), endsAt: iso(t + 60_000), createdBy: 'sre', comment: 'shorter' });
    assert.equal(updated.body.silenceID, id);
    assert.equal((await json('GET', `/api/v2/silence/${id}`)).body.comment, 'shorter');

    assert.equal((await json('DELETE', `/api/v2/silence/${id}`)).status, 200);
    assert.equal((await json('GET', `/api/v2/silence/${id}`)).body.status.state, 'expired');
    assert.equal((await json('DELETE', `/api/v2/silence/${id}`)).status, 400, 'already expired');
    assert.equal((await json('GET', '/api/v2/silence/nope')).status, 404);
    assert.equal((await json('DELETE', '/api/v2/silence/nope')).status, 404);
  });

  it('refuses invalid silences with 400 and a reason', async () => {
    const t = h.clock.t;
    const bad = await json('POST', '/api/v2/silences', { matchers: [], startsAt: new Date(t).toISOString(), endsAt: new Date(t + 1000).toISOString(), createdBy: 'x', comment: 'y' });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /no matchers/);
    const all = await json('POST', '/api/v2/silences', { matchers: [{ name: 'a', value: '.*', isRegex: true }], startsAt: new Date(t).toISOString(), endsAt: new Date(t + 1000).toISOString(), createdBy: 'x', comment: 'y' });
    assert.equal(all.status, 400);
    assert.match(all.body, /must not match the empty string/);
    const past = await json('POST', '/api/v2/silences', { matchers: [{ name: 'a', value: 'b' }], startsAt: new Date(t - 5000).toISOString(), endsAt: new Date(t - 1000).toISOString(), createdBy: 'x', comment: 'y' });
    assert.equal(past.status, 400);
  });

  it('POST /api/v1/alerts/test routes a LookoutTestAlert and says where it went', async () => {
    const res = await json('POST', '/api/v1/alerts/test', { labels: { team: 'db' }, annotations: { summary: 'hello' } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'success', data: { alertname: 'LookoutTestAlert', receivers: ['dba', 'default'] } });
    await advance(h, 0);
    assert.deepEqual(rec.requests.map((r) => r.path).sort(), ['/dba', '/default']);
    const a = rec.requests[0].body.alerts[0];
    assert.deepEqual(a.labels, { team: 'db', alertname: 'LookoutTestAlert' });
    assert.equal(a.annotations.summary, 'hello');
    const bad = await json('POST', '/api/v1/alerts/test', { labels: { n: 1 } });
    assert.equal(bad.status, 400);
  });
});
