import assert from 'node:assert/strict';
import { webhookPayload } from '../../../agent/notify/webhook';
import { advance, alert, startNotifier, type Harness } from '../alerting/harness';
import { Recorder } from './recorder';

describe('webhook_configs', () => {
  let rec: Recorder;
  let h: Harness | undefined;
  beforeEach(async () => { rec = await new Recorder().start(); });
  afterEach(async () => { await h?.notifier.shutdown(); await h?.host.cleanup(); h = undefined; await rec.stop(); });

  it('POSTs the Alertmanager webhook payload version 4, field by field', async () => {
    h = await startNotifier(`external_url: http://lookout.example:9464
route: {receiver: hook, group_wait: 0s, group_by: [alertname]}
receivers: [{name: hook, webhook_configs: [{url: "${rec.url}/alerts", max_alerts: 1}]}]`);
    const a1 = alert({ alertname: 'HighLatency', severity: 'warning', instance: 'a' }, h.clock, { annotations: { summary: 'slow', runbook: 'r1' } });
    const a2 = alert({ alertname: 'HighLatency', severity: 'warning', instance: 'b' }, h.clock, { annotations: { summary: 'slow' } });
    h.notifier.send([a1, a2]);
    await advance(h, 0);
    assert.equal(rec.requests.length, 1);
    const r = rec.requests[0];
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/alerts');
    assert.equal(r.headers['content-type'], 'application/json');
    const b = r.body;
    assert.deepEqual(Object.keys(b).sort(), ['alerts', 'commonAnnotations', 'commonLabels', 'externalURL', 'groupKey', 'groupLabels', 'receiver', 'status', 'truncatedAlerts', 'version']);
    assert.equal(b.version, '4');
    assert.equal(b.receiver, 'hook');
    assert.equal(b.status, 'firing');
    assert.equal(b.externalURL, 'http://lookout.example:9464');
    assert.equal(b.groupKey, '{}:{alertname="HighLatency"}');
    assert.deepEqual(b.groupLabels, { alertname: 'HighLatency' });
    assert.deepEqual(b.commonLabels, { alertname: 'HighLatency', severity: 'warning' });
    assert.deepEqual(b.commonAnnotations, { summary: 'slow' });
    assert.equal(b.truncatedAlerts, 1, 'max_alerts: 1 keeps one of two');
    assert.equal(b.alerts.length, 1);
    const got = b.alerts[0];
    assert.deepEqual(Object.keys(got).sort(), ['annotations', 'endsAt', 'fingerprint', 'generatorURL', 'labels', 'startsAt', 'status']);
    assert.equal(got.status, 'firing');
    const src = got.labels.instance === 'a' ? a1 : a2;
    assert.deepEqual(got.labels, src.labels);
    assert.deepEqual(got.annotations, src.annotations);
    assert.equal(got.startsAt, src.startsAt);
    assert.equal(got.endsAt, '0001-01-01T00:00:00Z');
    assert.equal(got.generatorURL, src.generatorURL);
    assert.match(got.fingerprint, /^[0-9a-f]{16}$/);
  });

  it('max_alerts: 0 sends every alert', () => {
    const alerts = [1, 2, 3].map((i) => ({ status: 'firing' as const, labels: { i: String(i) }, annotations: {}, startsAt: 's', endsAt: 'e', generatorURL: '', fingerprint: String(i) }));
    const p = webhookPayload({ receiver: 'r', status: 'firing', alerts, groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'x', groupKey: 'k' }, 0);
    assert.equal(p.alerts.length, 3);
    assert.equal(p.truncatedAlerts, 0);
  });
});
