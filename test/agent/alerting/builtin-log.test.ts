/**
 * Alerts always reach someone: with no route and no Alertmanager, the
 * built-in `log` receiver prints one warn line per firing/resolved group;
 * /api/v2/alerts lists alerts whether or not anything routes them; the test
 * alert says when it reached nobody; externalURL follows the real address.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { alertingApiRouter } from '../../../agent/alerting/api';
import { externalUrlFor } from '../../../agent/alerting/external-url';
import { capturingLogger, testHost } from '../../helpers/test-host';
import { Recorder } from '../notify/recorder';
import { advance, alert, startNotifier, type Harness } from './harness';

describe('alerting defaults: the built-in log receiver', () => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) { await h.notifier.shutdown(); await h.host.cleanup(); }
  });
  async function start(yaml: string, lines: Record<string, unknown>[] = []): Promise<Harness> {
    const h = await startNotifier(yaml, { host: testHost({ logger: capturingLogger(lines) }) });
    harnesses.push(h);
    return h;
  }

  it('prints one readable warn line per firing group and one when it resolves', async () => {
    const lines: Record<string, unknown>[] = [];
    const h = await start('{}', lines);
    const a = alert({ alertname: 'HighErrorRate', service_name: 'shop', severity: 'critical' }, h.clock, { annotations: { summary: 'shop: 9% of requests fail' } });
    const b = alert({ alertname: 'HighErrorRate', service_name: 'cart', severity: 'critical' }, h.clock, { annotations: { summary: 'cart: 7% of requests fail' } });
    h.notifier.send([a, b]);
    await advance(h, 5_000);
    const warns = () => lines.filter((l) => l.component === 'alerting/log');
    assert.equal(warns().length, 1, JSON.stringify(lines));
    assert.equal(warns()[0].level, 40, 'warn');
    assert.equal(warns()[0].msg, '[FIRING:2] HighErrorRate (critical): cart: 7% of requests fail; shop: 9% of requests fail'); // Alertmanager's alert order (by labels)
    // Resolved: endsAt in the past.
    const now = new Date(h.clock.t).toISOString();
    h.notifier.send([{ ...a, endsAt: now }, { ...b, endsAt: now }]);
    await advance(h, 60_000);
    assert.equal(warns().length, 2);
    assert.match(String(warns()[1].msg), /^\[RESOLVED\] HighErrorRate/);
  });

  it('is off when a route or an Alertmanager is configured; alerts are listed either way', async () => {
    const h = await start('alertmanagers: [{url: "http://127.0.0.1:9"}]');
    assert.equal(h.notifier.builtinLog, false);
    h.notifier.send([alert({ alertname: 'Unrouted' }, h.clock)]);
    const listed = h.notifier.listAlerts();
    assert.equal(listed.length, 1, '/api/v2/alerts lists alerts nothing routes, as Alertmanager does');
    assert.deepEqual(listed[0].receivers, []);
  });

  it('the test alert reports when it reached no receiver', async () => {
    const blackhole = await start('route: {receiver: blackhole}\nreceivers: [{name: blackhole}]');
    const r = blackhole.notifier.testAlert({}, {});
    assert.deepEqual(r.receivers, ['blackhole']);
    assert.match(r.warning ?? '', /reached no receiver: blackhole has no \*_configs/);
    const logged = await start('{}');
    const ok = logged.notifier.testAlert({}, {});
    assert.deepEqual(ok.receivers, ['log']);
    assert.equal(ok.warning, undefined);
  });

  it('POST /api/v1/alerts/test answers success with a warning when it reached nobody; GET /api/v2/alerts lists unrouted alerts', async () => {
    const h = await start('route: {receiver: blackhole}\nreceivers: [{name: blackhole}]');
    const app = express();
    app.use(alertingApiRouter(h.notifier));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${base}/api/v1/alerts/test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const body = await res.json() as { status: string; warnings?: string[]; data: { receivers: string[] } };
      assert.equal(res.status, 200);
      assert.equal(body.status, 'success');
      assert.match(body.warnings?.[0] ?? '', /reached no receiver/);
      const listed = await (await fetch(`${base}/api/v2/alerts`)).json() as { labels: Record<string, string> }[];
      assert.deepEqual(listed.map((a) => a.labels.alertname), ['LookoutTestAlert']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('externalURL: alerting.external_url, else the real admin address (host name for 0.0.0.0)', () => {
    assert.equal(externalUrlFor('https://lookout.example/', { host: '127.0.0.1', port: 1 }), 'https://lookout.example/');
    assert.equal(externalUrlFor(undefined, { host: '127.0.0.1', port: 41234 }), 'http://127.0.0.1:41234');
    assert.equal(externalUrlFor(undefined, { host: '0.0.0.0', port: 9464 }, () => 'shop-7d9f'), 'http://shop-7d9f:9464');
    assert.equal(externalUrlFor(undefined, { host: '::1', port: 9464 }), 'http://[::1]:9464');
  });

  it('notifications carry the externalURL of the real admin address', async () => {
    const rec = await new Recorder().start();
    try {
      const w = await startNotifier(`route: {receiver: web, group_wait: 0s}\nreceivers: [{name: web, webhook_configs: [{url: "${rec.url}/hook"}]}]`,
        { host: testHost({ adminAddress: () => ({ host: '127.0.0.1', port: 45678 }) }) });
      harnesses.push(w);
      w.notifier.send([alert({ alertname: 'Url' }, w.clock)]);
      await advance(w, 1);
      assert.equal(rec.requests[0]?.body.externalURL, 'http://127.0.0.1:45678');
    } finally {
      await rec.stop();
    }
  });
});
