/**
 * A resolution is never lost across a restart: the rule manager resolves an
 * alert while the receiver is down, the agent restarts (rules.db and
 * alerting.db kept), the receiver comes back, and the resolved notification
 * arrives exactly once. Real RuleManager and Notifier on one storage dir,
 * driven by one manual time.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Recorder } from '../notify/recorder';
import { makeHost, type TestHost } from './host';
import { MIN, sample, scriptedQuery } from './fakes';
import { rulesAndNotifier } from './rules-and-notifier';

const RULES = `groups:
  - name: node
    interval: 1m
    rules:
      - alert: InstanceDown
        expr: up == 0
        labels: { severity: critical }
`;

describe('resolved notification across a restart with the receiver down', () => {
  let host: TestHost;
  let rec: Recorder;
  let down = true;
  const query = scriptedQuery({ 'up == 0': () => (down ? [sample({ __name__: 'up', instance: 'a:1' }, 0)] : []) });

  beforeEach(async () => {
    host = makeHost();
    rec = await new Recorder().start();
    writeFileSync(path.join(host.storageDir, 'node.rules.yaml'), RULES);
  });
  afterEach(async () => { await rec.stop(); await host.cleanup(); });

  const agent = (t: number) => rulesAndNotifier(host, rec.url, query, t);
  const statuses = () => rec.requests.map((r) => (r.body as { status: string }).status);

  it('delivers the resolution once the receiver is back, exactly once', async () => {
    const t0 = Date.parse('2026-03-02T10:00:00Z');
    let a = agent(t0);
    await a.start();
    await a.advanceTo(t0 + 2 * MIN);
    assert.deepEqual(statuses(), ['firing']);

    rec.respond = () => 503;
    down = false;
    await a.advanceTo(t0 + 5 * MIN);
    assert.ok(rec.attempts > 1, 'the resolution was attempted while the receiver was down');
    assert.deepEqual(statuses(), ['firing'], 'not delivered yet');
    await a.stop();

    // Restart: new processes on the same storage (rules.db keeps the resolved alert, alerting.db the log).
    a = agent(t0 + 6 * MIN);
    rec.respond = () => 200;
    await a.start();
    try {
      await a.advanceTo(t0 + 10 * MIN);
      assert.deepEqual(statuses(), ['firing', 'resolved']);
      const body = rec.requests[1].body as { alerts: { status: string; labels: Record<string, string> }[] };
      assert.equal(body.alerts[0].labels.instance, 'a:1');
      await a.advanceTo(t0 + 25 * MIN);
      assert.deepEqual(statuses(), ['firing', 'resolved'], 'sent once, not at every re-send of the rule');
    } finally {
      await a.stop();
    }
  });
});
