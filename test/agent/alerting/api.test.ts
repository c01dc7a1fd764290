import assert from 'node:assert/strict';
import { Recorder } from '../notify/recorder';
import { advance, alert, startApiServer, startNotifier, type ApiServer, type Harness } from './harness';

describe('alerting API (Alertmanager API v2)', () => {
  let rec: Recorder;
  let h: Harness;
  let api: ApiServer;

  beforeEach(async () => {
    rec = await new Recorder().start();
    h = await startNotifier(`route:
  receiver: default
  group_wait: 0s
  routes: [{matchers: ['team="db"'], receiver: dba, continue: true}, {matchers: ['team="db"'], receiver: default}]
receivers:
  - {name: default, webhook_configs: [{url: "${rec.url}/default"}]}
  - {name: dba, webhook_configs: [{url: "${rec.url}/dba"}]}`);
    api = await startApiServer(h.notifier);
  });
  afterEach(async () => {
    await api.close();
    await h.notifier.shutdown();
    await h.host.cleanup();
    await rec.stop();
  });

  const json = (method: string, p: string, body?: unknown) => api.json(method, p, body);

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

    // Same matchers, new end: updated in place (Alertmanager keeps the id).
    const extended = await json('POST', '/api/v2/silences', { id, matchers: [{ name: 'alertname', value: 'Disk.*', isRegex: true, isEqual: true }], startsAt: iso(t), endsAt: iso(t + 7200_000), createdBy: 'sre', comment: 'longer' });
    assert.equal(extended.body.silenceID, id);
    assert.equal((await json('GET', `/api/v2/silence/${id}`)).body.endsAt, iso(t + 7200_000));
    // Other matchers: Alertmanager expires the old silence and creates a new one.
    const replaced = await json('POST', '/api/v2/silences', { id, matchers: [{ name: 'alertname', value: 'DiskFull', isRegex: false }], startsAt: iso(t), endsAt: iso(t + 60_000), createdBy: 'sre', comment: 'narrower' });
    assert.equal(replaced.status, 200);
    assert.notEqual(replaced.body.silenceID, id);
    assert.equal((await json('GET', `/api/v2/silence/${id}`)).body.status.state, 'expired');
    assert.equal((await json('GET', `/api/v2/silence/${replaced.body.silenceID}`)).body.comment, 'narrower');
    assert.equal((await json('POST', '/api/v2/silences', { id: 'nope', matchers: [{ name: 'a', value: 'b' }], startsAt: iso(t), endsAt: iso(t + 1000), createdBy: 'x', comment: 'y' })).status, 404);

    // Alertmanager's order: active (soonest end first), pending, expired; filter= narrows by the silences' matchers.
    const order = await json('GET', '/api/v2/silences');
    assert.deepEqual(order.body.map((s: { id: string }) => s.id), [replaced.body.silenceID, pending.body.silenceID, id]);
    const filtered = await json('GET', `/api/v2/silences?filter=${encodeURIComponent('job="batch"')}`);
    assert.deepEqual(filtered.body.map((s: { id: string }) => s.id), [pending.body.silenceID]);
    assert.equal((await json('GET', `/api/v2/silences?filter=${encodeURIComponent('job=="x"')}`)).status, 400);

    const del = replaced.body.silenceID as string;
    assert.equal((await json('DELETE', `/api/v2/silence/${del}`)).status, 200);
    assert.equal((await json('GET', `/api/v2/silence/${del}`)).body.status.state, 'expired');
    assert.equal((await json('DELETE', `/api/v2/silence/${del}`)).status, 400, 'already expired');
    assert.equal((await json('GET', '/api/v2/silence/nope')).status, 404);
    assert.equal((await json('DELETE', '/api/v2/silence/nope')).status, 404);
  });

  it('GET /api/v2/alerts filters like Alertmanager: filter, active, silenced, inhibited, receiver', async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const t = h.clock.t;
    const { body: { silenceID } } = await json('POST', '/api/v2/silences', {
      matchers: [{ name: 'alertname', value: 'Quiet', isRegex: false }], startsAt: iso(t), endsAt: iso(t + 3600_000), createdBy: 'sre', comment: 'c',
    });
    h.notifier.send([alert({ alertname: 'Quiet' }, h.clock), alert({ alertname: 'Loud', team: 'db' }, h.clock), alert({ alertname: 'Other' }, h.clock),
      alert({ alertname: 'Gone' }, h.clock, { endsAt: iso(t) })]);
    const names = async (q: string) => ((await json('GET', `/api/v2/alerts${q}`)).body as { labels: { alertname: string } }[]).map((a) => a.labels.alertname).sort();
    assert.deepEqual(await names(''), ['Loud', 'Other', 'Quiet'], 'resolved alerts are not listed');
    assert.deepEqual(await names(`?filter=${encodeURIComponent('alertname=~"Lo.*|Qu.*"')}`), ['Loud', 'Quiet']);
    assert.deepEqual(await names(`?filter=${encodeURIComponent('alertname=~".+"')}&filter=${encodeURIComponent('team="db"')}`), ['Loud']);
    assert.deepEqual(await names('?silenced=false'), ['Loud', 'Other']);
    assert.deepEqual(await names('?active=false'), ['Quiet']);
    assert.deepEqual(await names('?receiver=dba'), ['Loud']);
    assert.deepEqual(await names('?receiver=db'), [], 'receiver regex is anchored');
    assert.equal((await json('GET', '/api/v2/alerts?active=maybe')).status, 400);
    const quiet = (await json('GET', `/api/v2/alerts?filter=${encodeURIComponent('alertname="Quiet"')}`)).body[0];
    assert.deepEqual(quiet.status, { state: 'suppressed', silencedBy: [silenceID], inhibitedBy: [] });
    assert.equal(quiet.startsAt, iso(t));
  });

  it('GET /api/v2/status answers in Alertmanager shape with the config, secrets redacted', async () => {
    const res = await json('GET', '/api/v2/status');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['cluster', 'config', 'uptime', 'versionInfo']);
    assert.deepEqual(res.body.cluster, { status: 'disabled', peers: [] });
    assert.equal(res.body.uptime, new Date(h.clock.t).toISOString());
    assert.match(res.body.versionInfo.version, /^\d+\.\d+\.\d+/);
    assert.match(res.body.config.original, /receiver: dba/);
    assert.match(res.body.config.original, /team="db"/);
    assert.doesNotMatch(res.body.config.original, new RegExp(rec.url.replace(/[.:/]/g, '\\$&')), 'webhook URLs are secrets');
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
    assert.match(past.body, /end time can't be in the past/);
  });

  it('POST /api/v1/alerts/test routes a LookoutTestAlert and says where it went', async () => {
    const res = await json('POST', '/api/v1/alerts/test', { labels: { team: 'db' }, annotations: { summary: 'hello' } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'success', data: {
      alertname: 'LookoutTestAlert',
      labels: { team: 'db', alertname: 'LookoutTestAlert' },
      receivers: ['dba', 'default'],
      routes: [
        { receiver: 'dba', route: '{}/{team="db"}', groupKey: '{}/{team="db"}:{}', groupBy: [], continue: true },
        { receiver: 'default', route: '{}/{team="db"}', groupKey: '{}/{team="db"}:{}', groupBy: [], continue: false },
      ],
      alertmanagers: 0,
    } });
    await advance(h, 0);
    assert.deepEqual(rec.requests.map((r) => r.path).sort(), ['/dba', '/default']);
    const a = rec.requests[0].body.alerts[0];
    assert.deepEqual(a.labels, { team: 'db', alertname: 'LookoutTestAlert' });
    assert.equal(a.annotations.summary, 'hello');
    const bad = await json('POST', '/api/v1/alerts/test', { labels: { n: 1 } });
    assert.equal(bad.status, 400);
  });
});
