/**
 * Slack pacing against a local server that answers 429 with Retry-After,
 * through the real notifier and delivery: one message per second per
 * webhook, queued messages merged into one post instead of dropped, a 429
 * honoured by waiting, and the delays counted.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { counterValue } from '../../helpers/test-host';
import { waitFor } from '../../helpers/wait';
import { HttpError } from '../../../agent/notify/integration';
import { SlackRateLimiter, type SlackMessage } from '../../../agent/notify/slack-rate';
import { advance, alert, startNotifier, type Harness } from '../alerting/harness';

interface Hit { at: number; body: SlackMessage }

/** A Slack-like webhook: answers `script(n)` to the n-th request ({status, retryAfter}). */
class SlackLike {
  hits: Hit[] = [];
  refused: number[] = [];
  script: (n: number) => { status: number; retryAfter?: string } = () => ({ status: 200 });
  private n = 0;
  url = '';
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = this.script(this.n++);
      if (answer.status === 200) this.hits.push({ at: Date.now(), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      else this.refused.push(Date.now());
      res.writeHead(answer.status, answer.retryAfter ? { 'retry-after': answer.retryAfter } : {}).end(answer.status === 200 ? 'ok' : 'rate_limited');
    });
  });
  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/services/T/B/X`;
    return this;
  }
  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe('Slack rate limiting (per webhook, Retry-After, merging)', function () {
  this.timeout(20_000);
  let slack: SlackLike;
  let h: Harness | undefined;
  beforeEach(async () => { slack = await new SlackLike().start(); });
  afterEach(async () => { await h?.notifier.shutdown(); await h?.host.cleanup(); h = undefined; await slack.stop(); });

  it('a burst of groups to one webhook: the first goes at once, the rest wait a second and go as ONE message; none dropped', async () => {
    h = await startNotifier(`route: {receiver: chat, group_wait: 0s, group_by: [alertname]}
receivers: [{name: chat, slack_configs: [{api_url: "${slack.url}", channel: '#ops'}]}]`);
    const names = ['A', 'B', 'C', 'D', 'E'];
    h.notifier.send(names.map((n) => alert({ alertname: n }, h!.clock)));
    const t0 = Date.now();
    await advance(h, 0);
    await waitFor(() => slack.hits.reduce((n, x) => n + (x.body.attachments?.length ?? 0), 0) === 5, { what: 'all five groups delivered' });
    assert.equal(slack.hits.length, 2, 'five groups cost two requests');
    assert.equal(slack.hits[0].body.attachments!.length, 1);
    assert.equal(slack.hits[1].body.attachments!.length, 4);
    assert.ok(slack.hits[1].at - slack.hits[0].at >= 900, `second message ${slack.hits[1].at - slack.hits[0].at} ms after the first`);
    assert.ok(slack.hits[0].at - t0 < 900, 'the first message is not delayed');
    const titles = slack.hits.flatMap((x) => (x.body.attachments as { title: string }[]).map((a) => a.title)).sort();
    assert.deepEqual(titles, names.map((n) => `[FIRING:1] ${n} `));
    assert.equal(slack.refused.length, 0, 'never a 429');
    assert.equal(await counterValue(h.host, 'lookout_slack_messages_delayed_total', { reason: 'rate' }), 4);
    assert.equal(await counterValue(h.host, 'lookout_slack_messages_merged_total', {}), 3);
  });

  it('a 429 with Retry-After pauses the webhook for that long, then the message goes (not dropped, not hammered)', async () => {
    slack.script = (n) => (n === 0 ? { status: 429, retryAfter: '1' } : { status: 200 });
    h = await startNotifier(`route: {receiver: chat, group_wait: 0s}
receivers: [{name: chat, slack_configs: [{api_url: "${slack.url}"}]}]`);
    h.notifier.send([alert({ alertname: 'X' }, h.clock)]);
    await advance(h, 0);
    await waitFor(() => slack.hits.length === 1, { what: 'the message after Retry-After' });
    assert.equal(slack.refused.length, 1, 'one refused attempt, then it waited');
    const waited = slack.hits[0].at - slack.refused[0];
    assert.ok(waited >= 950, `retried ${waited} ms after the 429 (Retry-After: 1)`);
    assert.equal(await counterValue(h.host, 'lookout_slack_messages_delayed_total', { reason: 'retry_after' }), 1);
  });

  it('separate webhooks are paced separately; the limit is configurable', async () => {
    const other = await new SlackLike().start();
    try {
      h = await startNotifier(`slack_rate_limit: {messages_per_second: 20}
route: {receiver: a, group_wait: 0s, group_by: [alertname], routes: [{matchers: ['alertname="B"'], receiver: b}]}
receivers:
  - {name: a, slack_configs: [{api_url: "${slack.url}"}]}
  - {name: b, slack_configs: [{api_url: "${other.url}"}]}`);
      h.notifier.send([alert({ alertname: 'A' }, h.clock), alert({ alertname: 'B' }, h.clock)]);
      await advance(h, 0);
      await waitFor(() => slack.hits.length === 1 && other.hits.length === 1, { what: 'both webhooks' });
      assert.ok(Math.abs(slack.hits[0].at - other.hits[0].at) < 500, 'neither waited for the other');
    } finally {
      await other.stop();
    }
  });

  it('unit: a full queue refuses with a clear error; a too-long Retry-After fails the delivery; an abandoned message leaves the queue', async () => {
    const counters = { delayed: { add: () => {} }, merged: { add: () => {} } } as never;
    const rl = new SlackRateLimiter({ messagesPerSecond: 1, maxQueued: 3, maxRetryAfterMs: 5000 }, counters, pino({ level: 'silent' }));
    let posts = 0;
    const ok = async () => { posts++; };
    const never = new AbortController().signal;
    await rl.send('u', { attachments: [1] }, ok, never);
    const waiting = [rl.send('u', { attachments: [2] }, ok, never), rl.send('u', { attachments: [3] }, ok, never)];
    const ctrl = new AbortController();
    const abandoned = rl.send('u', { attachments: [5] }, ok, ctrl.signal);
    await assert.rejects(rl.send('u', { attachments: [4] }, ok, never), /3 messages already wait .*slack_rate_limit\.max_queued/);
    ctrl.abort(new Error('delivery timed out'));
    await assert.rejects(abandoned, /delivery timed out/);
    await Promise.all(waiting);
    assert.equal(posts, 2, 'the two waiting messages went as one');
    const slow = new SlackRateLimiter({ messagesPerSecond: 100, maxQueued: 10, maxRetryAfterMs: 500 }, counters, pino({ level: 'silent' }));
    await assert.rejects(slow.send('v', {}, async () => { throw new HttpError('http://x/', 429, 'rate_limited', 3_600_000); }, never), /HTTP 429/);
    rl.close();
    slow.close();
  });
});
