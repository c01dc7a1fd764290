/**
 * Seconds by default: a route without group_wait sends its first
 * notification 3 s after the alert arrived (Alertmanager: 30 s); an explicit
 * group_wait still wins.
 */
import assert from 'node:assert/strict';
import { DEFAULT_GROUP_WAIT, Route } from '../../../agent/alerting/route';
import { Recorder } from '../notify/recorder';
import { advance, alert, alertingConfig, startNotifier } from './harness';

describe('alerting defaults (seconds by default)', () => {
  it('group_wait defaults to 3s; an explicit one wins', () => {
    assert.equal(DEFAULT_GROUP_WAIT, 3_000);
    assert.equal(new Route(alertingConfig('route: {receiver: a}\nreceivers: [{name: a}]').route!).groupWait, 3_000);
    assert.equal(new Route(alertingConfig('route: {receiver: a, group_wait: 30s}\nreceivers: [{name: a}]').route!).groupWait, 30_000);
  });

  it('notifies 3 s after the first alert when group_wait is not set', async () => {
    const rec = await new Recorder().start();
    const h = await startNotifier(`route: {receiver: web}\nreceivers: [{name: web, webhook_configs: [{url: "${rec.url}/web"}]}]`);
    try {
      h.notifier.send([alert({ alertname: 'Down' }, h.clock)]);
      await advance(h, 2_900);
      assert.equal(rec.requests.length, 0);
      await advance(h, 100);
      assert.equal(rec.requests.length, 1);
    } finally {
      await h.notifier.shutdown();
      await h.host.cleanup();
      await rec.stop();
    }
  });
});
