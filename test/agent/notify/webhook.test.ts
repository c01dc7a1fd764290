import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { goTime } from '../../../agent/alerting/alert';
import { webhookPayload } from '../../../agent/notify/webhook';
import { counterValue } from '../../helpers/test-host';
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
    // As Alertmanager 0.25: the common labels and annotations of the alerts sent (after max_alerts).
    assert.deepEqual(b.commonLabels, { alertname: 'HighLatency', severity: 'warning', instance: 'a' });
    assert.deepEqual(b.commonAnnotations, { summary: 'slow', runbook: 'r1' });
    assert.equal(b.truncatedAlerts, 1, 'max_alerts: 1 keeps one of two');
    assert.equal(b.alerts.length, 1);
    const got = b.alerts[0];
    assert.deepEqual(Object.keys(got).sort(), ['annotations', 'endsAt', 'fingerprint', 'generatorURL', 'labels', 'startsAt', 'status']);
    assert.equal(got.status, 'firing');
    const src = got.labels.instance === 'a' ? a1 : a2;
    assert.deepEqual(got.labels, src.labels);
    assert.deepEqual(got.annotations, src.annotations);
    assert.equal(got.startsAt, goTime(Date.parse(src.startsAt!)), 'Go RFC3339Nano, as Alertmanager prints it');
    assert.equal(got.endsAt, '0001-01-01T00:00:00Z');
    assert.equal(got.generatorURL, src.generatorURL);
    assert.match(got.fingerprint, /^[0-9a-f]{16}$/);
  });

  it('http_config: Bearer credentials from a file (read at send time) and basic auth', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-webhook-'));
    try {
      writeFileSync(path.join(dir, 'token'), 'tok-1\n');
      h = await startNotifier(`route: {receiver: hooks, group_wait: 0s, group_interval: 1m, group_by: [alertname]}
receivers:
  - name: hooks
    webhook_configs:
      - {url: "${rec.url}/bearer", http_config: {authorization: {credentials_file: token}}}
      - {url: "${rec.url}/basic", http_config: {basic_auth: {username: am, password: pa:ss}}}`, { options: { baseDir: dir } });
      h.notifier.send([alert({ alertname: 'A' }, h.clock)]);
      await advance(h, 0);
      const byPath = (p: string) => rec.requests.filter((r) => r.path === p);
      assert.equal(byPath('/bearer')[0].headers.authorization, 'Bearer tok-1');
      assert.equal(byPath('/basic')[0].headers.authorization, `Basic ${Buffer.from('am:pa:ss').toString('base64')}`);
      // A rotated token is used by the next notification without a restart.
      writeFileSync(path.join(dir, 'token'), 'tok-2\n');
      h.notifier.send([alert({ alertname: 'B' }, h.clock)]);
      await advance(h, 0);
      assert.equal(byPath('/bearer')[1].headers.authorization, 'Bearer tok-2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows redirects by default; http_config.follow_redirects: false fails on one instead', async () => {
    const hits: string[] = [];
    const server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      req.resume();
      if (req.url === '/moved') res.writeHead(307, { location: '/target' }).end();
      else res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      h = await startNotifier(`route: {receiver: hooks, group_wait: 0s}
receivers:
  - name: hooks
    webhook_configs:
      - {url: "${base}/moved"}
      - {url: "${base}/moved", http_config: {follow_redirects: false}}`);
      h.notifier.send([alert({ alertname: 'A' }, h.clock)]);
      await advance(h, 0);
      assert.deepEqual(hits.sort(), ['/moved', '/moved', '/target'], 'followed once; the other stopped at the redirect and was not retried');
      assert.equal(await counterValue(h.host, 'lookout_notifications_failed_total', { integration: 'webhook', receiver: 'hooks' }), 1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('max_alerts: 0 sends every alert', () => {
    const alerts = [1, 2, 3].map((i) => ({ status: 'firing' as const, labels: { i: String(i) }, annotations: {}, startsAt: 's', endsAt: 'e', generatorURL: '', fingerprint: String(i) }));
    const p = webhookPayload({ receiver: 'r', status: 'firing', alerts, groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'x', groupKey: 'k' }, 0);
    assert.equal(p.alerts.length, 3);
    assert.equal(p.truncatedAlerts, 0);
  });
});
