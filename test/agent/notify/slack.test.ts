import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { advance, alert, startNotifier, type Harness } from '../alerting/harness';
import { Recorder } from './recorder';

describe('slack_configs', () => {
  let rec: Recorder;
  let h: Harness | undefined;
  let dir: string;
  beforeEach(async () => { rec = await new Recorder().start(); dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-slack-')); });
  afterEach(async () => { await h?.notifier.shutdown(); await h?.host.cleanup(); h = undefined; await rec.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('posts an attachment with color, title, title_link, text and fallback; resolved is good', async () => {
    writeFileSync(path.join(dir, 'slack-url'), `${rec.url}/services/T000/B000/XXXX\n`);
    h = await startNotifier(`external_url: http://lookout.example:9464
route: {receiver: chat, group_wait: 0s, group_interval: 1m, group_by: [alertname]}
receivers:
  - name: chat
    slack_configs:
      - {api_url_file: slack-url, channel: '#alerts', username: lookout, icon_emoji: ':fire:', send_resolved: true}`,
    { options: { baseDir: dir } });
    const a = alert({ alertname: 'DiskFull', severity: 'critical', instance: 'db1' }, h.clock, { annotations: { summary: 'Disk is full', description: '99% used on /data' } });
    h.notifier.send([a]);
    await advance(h, 0);
    assert.equal(rec.requests.length, 1);
    const r = rec.requests[0];
    assert.equal(r.path, '/services/T000/B000/XXXX');
    assert.equal(r.body.channel, '#alerts');
    assert.equal(r.body.username, 'lookout');
    assert.equal(r.body.icon_emoji, ':fire:');
    assert.equal(r.body.attachments.length, 1);
    const att = r.body.attachments[0];
    assert.equal(att.color, 'danger');
    assert.equal(att.title, '[FIRING:1] DiskFull (db1 critical)');
    assert.equal(att.title_link, 'http://lookout.example:9464/#/alerts?receiver=chat');
    assert.match(att.text, /Disk is full/);
    assert.match(att.text, /99% used on \/data/);
    assert.match(att.text, /instance=db1/);
    assert.match(att.text, /severity=critical/);
    assert.equal(att.fallback, '[FIRING:1] DiskFull (db1 critical) | http://lookout.example:9464/#/alerts?receiver=chat');

    h.notifier.send([{ ...a, endsAt: new Date(h.clock.t).toISOString() }]);
    await advance(h, 60_000);
    assert.equal(rec.requests.length, 2);
    assert.equal(rec.requests[1].body.attachments[0].color, 'good');
    assert.equal(rec.requests[1].body.attachments[0].title, '[RESOLVED] DiskFull (db1 critical)');
  });

  it('uses global.slack_api_url and colors non-critical firing alerts warning', async () => {
    h = await startNotifier(`global: {slack_api_url: "${rec.url}/global"}
route: {receiver: chat, group_wait: 0s}
receivers: [{name: chat, slack_configs: [{}]}]`);
    h.notifier.send([alert({ alertname: 'Slow', severity: 'warning' }, h.clock)]);
    await advance(h, 0);
    assert.equal(rec.requests[0].path, '/global');
    assert.equal(rec.requests[0].body.attachments[0].color, 'warning');
    assert.equal(rec.requests[0].body.channel, undefined);
  });
});
