import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createRulesApiRouter } from '../../../agent/rules/api';
import { Group } from '../../../agent/rules/group';
import { MIN, sample, scriptedQuery } from './fakes';

describe('rules HTTP API (Prometheus format)', () => {
  let server: Server;
  let base: string;
  const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);

  before(async () => {
    const g = new Group({
      file: '/etc/lookout/rules.yaml', name: 'api', interval: 30_000, limit: 0, queryOffset: 0,
      rules: [
        { kind: 'record', name: 'job:up:sum', expr: 'sum by (job) (up)', for: 0, keepFiringFor: 0, labels: {}, annotations: {} },
        { kind: 'alert', name: 'Down', expr: 'up == 0', for: 5 * MIN, keepFiringFor: 10 * MIN, labels: { severity: 'page' }, annotations: { summary: '{{ $labels.instance }}' } },
        { kind: 'alert', name: 'Broken', expr: 'rate(up)', for: 0, keepFiringFor: 0, labels: {}, annotations: {} },
      ],
    }, { interval: MIN, externalLabels: {}, externalURL: '', resendDelay: MIN });
    await g.eval(T0, {
      query: scriptedQuery({
        'sum by (job) (up)': () => [],
        'up == 0': () => [sample({ __name__: 'up', instance: 'a:1' }, 0)],
        'rate(up)': () => new Error('expected type range vector in call to function "rate", got instant vector'),
      }),
      notify: () => {},
    });
    const app = express();
    app.use(createRulesApiRouter({ groups: () => [g] }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((r) => server.close(r)));

  it('GET /api/v1/rules lists groups, rules, health and active alerts', async () => {
    const res = await fetch(`${base}/api/v1/rules`);
    assert.equal(res.status, 200);
    const body = await res.json() as { status: string; data: { groups: Record<string, unknown>[] } };
    assert.equal(body.status, 'success');
    const [g] = body.data.groups;
    assert.deepEqual(Object.keys(g), ['name', 'file', 'rules', 'interval', 'limit', 'evaluationTime', 'lastEvaluation']);
    assert.equal(g.name, 'api');
    assert.equal(g.file, '/etc/lookout/rules.yaml');
    assert.equal(g.interval, 30);
    assert.equal(g.lastEvaluation, '2024-05-01T10:00:00Z');
    const [rec, down, broken] = g.rules as Record<string, unknown>[];
    assert.deepEqual(Object.keys(rec), ['name', 'query', 'health', 'evaluationTime', 'lastEvaluation', 'type']);
    assert.equal(rec.type, 'recording');
    assert.equal(rec.health, 'ok');
    assert.deepEqual(Object.keys(down), ['state', 'name', 'query', 'duration', 'keepFiringFor', 'labels', 'annotations', 'alerts', 'health', 'evaluationTime', 'lastEvaluation', 'type']);
    assert.equal(down.state, 'pending');
    assert.equal(down.duration, 300);
    assert.equal(down.keepFiringFor, 600);
    assert.deepEqual(down.annotations, { summary: '{{ $labels.instance }}' });
    assert.deepEqual(down.alerts, [{
      labels: { alertname: 'Down', instance: 'a:1', severity: 'page' }, annotations: { summary: 'a:1' },
      state: 'pending', activeAt: '2024-05-01T10:00:00Z', value: '0e+00',
    }]);
    assert.equal(broken.health, 'err');
    assert.equal(broken.lastError, 'expected type range vector in call to function "rate", got instant vector');
    assert.equal(typeof broken.evaluationTime, 'number');
  });

  it('filters by type, rule name and group', async () => {
    const alerts = await (await fetch(`${base}/api/v1/rules?type=alert`)).json() as { data: { groups: { rules: { type: string }[] }[] } };
    assert.deepEqual(alerts.data.groups[0].rules.map((r) => r.type), ['alerting', 'alerting']);
    const rec = await (await fetch(`${base}/api/v1/rules?type=record`)).json() as { data: { groups: { rules: { name: string }[] }[] } };
    assert.deepEqual(rec.data.groups[0].rules.map((r) => r.name), ['job:up:sum']);
    const named = await (await fetch(`${base}/api/v1/rules?rule_name[]=Down`)).json() as { data: { groups: { rules: { name: string }[] }[] } };
    assert.deepEqual(named.data.groups[0].rules.map((r) => r.name), ['Down']);
    const none = await (await fetch(`${base}/api/v1/rules?rule_group[]=other`)).json() as { data: { groups: unknown[] } };
    assert.deepEqual(none.data.groups, []);
  });

  it('rejects an unknown type like Prometheus', async () => {
    const res = await fetch(`${base}/api/v1/rules?type=alerts`);
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { status: 'error', errorType: 'bad_data', error: 'invalid parameter "type": not supported value "alerts"' });
  });

  it('GET /api/v1/alerts lists active alerts', async () => {
    const body = await (await fetch(`${base}/api/v1/alerts`)).json();
    assert.deepEqual(body, {
      status: 'success',
      data: { alerts: [{ labels: { alertname: 'Down', instance: 'a:1', severity: 'page' }, annotations: { summary: 'a:1' }, state: 'pending', activeAt: '2024-05-01T10:00:00Z', value: '0e+00' }] },
    });
  });
});
