/**
 * The agent between an app and a flaky upstream: data sent while the
 * upstream is down arrives once it is up; a 400 from upstream is dropped
 * and counted, not retried forever; SIGTERM flushes within the deadline and
 * /readyz says 503 while shutting down.
 */
import assert from 'node:assert/strict';
import { OtlpSink } from '../helpers/otlp-sink';
import { freePort, startAgent } from '../helpers/agent-process';
import { waitFor } from '../helpers/wait';
import { bytesToHex } from '../../agent/otlp/values';

function spansBody(n: number, traceIdHex: string, offset = 0) {
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'flaky' } }] },
      scopeSpans: [{
        spans: Array.from({ length: n }, (_, i) => ({
          traceId: traceIdHex, spanId: (offset + i + 1).toString(16).padStart(16, '0'), name: `op-${offset + i}`, kind: 1,
          startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000500000000',
        })),
      }],
    }],
  });
}

async function post(url: string, body: string) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

function receivedSpanIds(sink: OtlpSink, traceIdHex: string): string[] {
  const ids: string[] = [];
  for (const req of sink.of('traces')) for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) {
    if (bytesToHex(s.traceId) === traceIdHex) ids.push(bytesToHex(s.spanId));
  }
  return ids;
}

describe('e2e: upstream failures and shutdown', function () {
  this.timeout(90_000);

  it('upstream down, then up: everything arrives after retries, exactly once', async () => {
    const port = await freePort();
    const agent = await startAgent({
      exporters: { otlp: { endpoint: `http://127.0.0.1:${port}`, batch: { timeout: '20ms' }, retry_on_failure: { initial_interval: '50ms', max_interval: '200ms' } } },
    });
    const sink = new OtlpSink();
    try {
      const traceId = 'aa'.repeat(16);
      for (let i = 0; i < 5; i++) {
        const res = await post(`${agent.otlpUrl}/v1/traces`, spansBody(4, traceId, i * 4));
        assert.equal(res.status, 200);
      }
      // The upstream is down: the data waits in the queue (and is retried), it is not dropped.
      await waitFor(async () => /lookout_exporter_queue_size\{[^}]*signal="traces"[^}]*\} [1-9]/.test(await (await fetch(`${agent.adminUrl}/metrics`)).text()), { what: 'spans waiting in the exporter queue' });
      await sink.start(port);
      const ids = await waitFor(() => { const got = receivedSpanIds(sink, traceId); return got.length >= 20 && got; }, { what: '20 spans upstream', timeoutMs: 30_000 });
      assert.equal(ids.length, 20);
      assert.equal(new Set(ids).size, 20, 'no duplicates');
    } finally {
      assert.equal(await agent.stop(), 0);
      await sink.stop();
    }
  });

  it('a 400 from upstream is dropped and counted, not retried forever', async () => {
    const sink = await new OtlpSink().start();
    sink.script.push({ status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 3, message: 'bad span' }) });
    const agent = await startAgent({ exporters: { otlp: { endpoint: sink.url, batch: { timeout: '20ms' }, retry_on_failure: { initial_interval: '50ms' } } } });
    try {
      const res = await post(`${agent.otlpUrl}/v1/traces`, spansBody(3, 'bb'.repeat(16)));
      assert.equal(res.status, 200);
      const text = await waitFor(async () => {
        const t = await (await fetch(`${agent.adminUrl}/metrics`)).text();
        return /lookout_exporter_send_failed_items_total\{[^}]*signal="traces"[^}]*\} 3\b/.test(t) && t;
      }, { what: 'send_failed counter = 3' });
      assert.ok(text);
      // A later batch goes through: the 400 did not block the queue.
      const res2 = await post(`${agent.otlpUrl}/v1/traces`, spansBody(2, 'cc'.repeat(16)));
      assert.equal(res2.status, 200);
      await waitFor(() => receivedSpanIds(sink, 'cc'.repeat(16)).length === 2, { what: 'second batch upstream' });
      assert.equal(receivedSpanIds(sink, 'bb'.repeat(16)).length, 0);
      assert.equal(sink.requestCount, 2, 'the rejected batch was sent once, not retried');
      assert.ok(agent.logs().some((l) => l.level === 'error' || l.level === 'warn'), 'the drop is logged');
    } finally {
      await agent.stop();
      await sink.stop();
    }
  });

  it('SIGTERM: /readyz is 503 while flushing, queued data is delivered, exit 0', async () => {
    const sink = new OtlpSink();
    const port = await freePort();
    const agent = await startAgent({
      exporters: { otlp: { endpoint: `http://127.0.0.1:${port}`, batch: { timeout: '20ms' }, retry_on_failure: { initial_interval: '100ms', max_interval: '200ms' } } },
      service: { shutdown_timeout: '20s' },
    });
    try {
      const traceId = 'dd'.repeat(16);
      assert.equal((await post(`${agent.otlpUrl}/v1/traces`, spansBody(3, traceId))).status, 200);
      agent.child.kill('SIGTERM');
      await waitFor(async () => (await fetch(`${agent.adminUrl}/readyz`).catch(() => undefined))?.status === 503, { what: '/readyz 503 while shutting down' });
      // New data is no longer accepted once shutting down.
      const refused = await post(`${agent.otlpUrl}/v1/traces`, spansBody(1, 'ee'.repeat(16))).catch(() => undefined);
      assert.ok(!refused || refused.status !== 200, 'no new data accepted while shutting down');
      await sink.start(port);
      const code = await agent.exited();
      assert.equal(code, 0);
      assert.equal(receivedSpanIds(sink, traceId).length, 3, 'queued data flushed before exit');
    } finally {
      await agent.stop();
      await sink.stop();
    }
  });
});
