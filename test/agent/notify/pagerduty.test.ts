import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { advance, alert, startNotifier, type Harness } from '../alerting/harness';
import { Recorder } from './recorder';

describe('pagerduty_configs (Events API v2)', () => {
  let rec: Recorder;
  let h: Harness | undefined;
  beforeEach(async () => { rec = await new Recorder().start(); });
  afterEach(async () => { await h?.notifier.shutdown(); await h?.host.cleanup(); h = undefined; await rec.stop(); });

  it('triggers then resolves with a stable dedup_key and the documented payload', async () => {
    h = await startNotifier(`external_url: http://lookout.example:9464
route: {receiver: pd, group_wait: 0s, group_interval: 1m, group_by: [alertname]}
receivers:
  - name: pd
    pagerduty_configs:
      - url: "${rec.url}/v2/enqueue"
        routing_key: R0123456789
        client_url: http://lookout.example:9464/alerts
        component: api
        group: prod
        class: latency
        source: host-1
        severity: '{{ .CommonLabels.severity }}'
        details: {team: payments}
        links: [{href: 'http://runbook', text: Runbook}]`);
    const a = alert({ alertname: 'Latency', severity: 'critical', instance: 'i1' }, h.clock, { annotations: { summary: 'p99 high' } });
    h.notifier.send([a]);
    await advance(h, 0);
    assert.equal(rec.requests.length, 1);
    const ev = rec.requests[0].body;
    const expectedKey = createHash('sha256').update('{}:{alertname="Latency"}').digest('hex');
    assert.equal(rec.requests[0].path, '/v2/enqueue');
    assert.equal(ev.routing_key, 'R0123456789');
    assert.equal(ev.event_action, 'trigger');
    assert.equal(ev.dedup_key, expectedKey);
    assert.equal(ev.client, 'Alertmanager', "Alertmanager's default client text (pagerduty.default.client)");
    assert.equal(ev.client_url, 'http://lookout.example:9464/alerts');
    assert.deepEqual(ev.links, [{ href: 'http://runbook', text: 'Runbook' }]);
    // Events API v2: required routing_key, event_action, payload.{summary, source, severity}; types as documented.
    assert.deepEqual(Object.keys(ev).sort(), ['client', 'client_url', 'dedup_key', 'event_action', 'links', 'payload', 'routing_key']);
    assert.match(ev.dedup_key, /^[0-9a-f]{64}$/);
    const p = ev.payload;
    assert.deepEqual(Object.keys(p).sort(), ['class', 'component', 'custom_details', 'group', 'severity', 'source', 'summary']);
    for (const k of ['summary', 'source', 'severity', 'component', 'group', 'class']) assert.equal(typeof p[k], 'string', k);
    assert.ok(p.summary.length > 0 && p.summary.length <= 1024);
    assert.ok(['critical', 'error', 'warning', 'info'].includes(p.severity));
    assert.equal(typeof p.custom_details, 'object');
    assert.equal(p.summary, '[FIRING:1] Latency (i1 critical)');
    assert.equal(p.source, 'host-1');
    assert.equal(p.severity, 'critical');
    assert.equal(p.component, 'api');
    assert.equal(p.group, 'prod');
    assert.equal(p.class, 'latency');
    assert.equal(p.custom_details.team, 'payments');
    assert.equal(p.custom_details.num_firing, '1');
    assert.equal(p.custom_details.firing, `Labels:\n - alertname = Latency\n - instance = i1\n - severity = critical\nAnnotations:\n - summary = p99 high\nSource: ${a.generatorURL}\n`);
    assert.equal(p.custom_details.resolved, '');

    h.notifier.send([{ ...a, endsAt: new Date(h.clock.t).toISOString() }]);
    await advance(h, 60_000);
    assert.equal(rec.requests.length, 2);
    const res = rec.requests[1].body;
    assert.equal(res.event_action, 'resolve');
    assert.equal(res.dedup_key, expectedKey, 'same dedup_key resolves the same incident');
    assert.equal(res.routing_key, 'R0123456789');
    assert.equal(res.payload.custom_details.num_resolved, '1');
    assert.deepEqual(Object.keys(res).sort(), ['client', 'client_url', 'dedup_key', 'event_action', 'links', 'payload', 'routing_key'], 'as Alertmanager, a resolve carries client, client_url, links and the payload');
  });

  it('maps an unknown severity label to error and does not retry a 400', async () => {
    rec.respond = () => 400;
    h = await startNotifier(`route: {receiver: pd, group_wait: 0s}
receivers: [{name: pd, pagerduty_configs: [{url: "${rec.url}/v2/enqueue", routing_key: k}]}]`);
    h.notifier.send([alert({ alertname: 'X', severity: 'page' }, h.clock)]);
    await advance(h, 0);
    assert.equal(rec.attempts, 1, 'client errors are not retried');
    rec.respond = () => 202;
    await advance(h, 5 * 60_000);
    assert.equal(rec.requests[0].body.payload.severity, 'error');
  });
});
