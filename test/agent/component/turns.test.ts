/**
 * The shared event-loop turns (agent/component/turns.ts): waiters are
 * released one per event-loop iteration, so timers and I/O run between two
 * chunks of work; and the OTLP/HTTP receiver takes one turn per request
 * stage, so requests whose bodies arrived together are not decoded and
 * stored back to back while /healthz waits (issue 8).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { nextTurn, turnsWaiting } from '../../../agent/component/turns';
import { startReceiver, type RunningReceiver } from '../receivers/otlp/host';
import { JSON_CT, post } from '../receivers/otlp/client';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* holds the event loop like a large decode would */ }
}

describe('event-loop turns', function () {
  it('releases one waiter per iteration: a due timer runs between every two chunks', async () => {
    const events: string[] = [];
    const chunks = Array.from({ length: 4 }, (_, i) => nextTurn().then(() => {
      events.push(`chunk${i}`);
      // Due by the time this chunk ends: it must run before the next chunk.
      setTimeout(() => events.push(`timer${i}`), 0);
      busy(5);
    }));
    assert.equal(turnsWaiting(), 4);
    await Promise.all(chunks);
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(events, ['chunk0', 'timer0', 'chunk1', 'timer1', 'chunk2', 'timer2', 'chunk3', 'timer3']);
    assert.equal(turnsWaiting(), 0);
  });

  describe('OTLP/HTTP receiver', function () {
    this.timeout(20_000);
    let r: RunningReceiver;
    before(async () => { r = await startReceiver(); });
    after(async () => { await r.stop(); });

    it('lets timers run between the pipeline work of requests that arrived together', async () => {
      // Each request holds the loop 30 ms in the pipeline (as 500 points' translation and store appends do).
      const body = JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: `${Date.now()}000000` }] } }] }] }] });
      // Six open connections first: the six requests below are then written at once and
      // their bytes wait in the kernel together, as concurrent senders' requests do.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
      const sendAll = () => Promise.all(Array.from({ length: 6 }, () => post(`${r.url}/v1/metrics`, body, { headers: JSON_CT, agent }).then((res) => res.status)));
      await sendAll();
      const log: string[] = [];
      r.consumer.behaviour = () => { log.push('consume'); busy(30); };
      const tick = setInterval(() => { if (log[log.length - 1] !== 'tick') log.push('tick'); }, 1);
      try {
        const statuses = await sendAll();
        assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200]);
      } finally {
        clearInterval(tick);
        r.consumer.behaviour = undefined;
        agent.destroy();
      }
      const consumes = log.filter((e) => e === 'consume').length;
      assert.equal(consumes, 6);
      // Without the turns, bodies read in one poll phase are consumed one after another: "consume, consume".
      const backToBack = log.findIndex((e, i) => e === 'consume' && log[i + 1] === 'consume');
      assert.equal(backToBack, -1, `two requests' pipeline work ran without a timer between them: ${log.join(' ')}`);
    });
  });
});
