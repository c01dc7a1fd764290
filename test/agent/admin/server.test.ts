/**
 * The admin server in a running agent: /healthz, /readyz (200 once started,
 * 503 while shutting down), /metrics from @opentelemetry/exporter-prometheus
 * with the agent's own telemetry, and a clean exit 0 on SIGTERM.
 */
import assert from 'node:assert/strict';
import { startAgent, type AgentProcess } from '../../helpers/agent-process';
import { waitFor } from '../../helpers/wait';

describe('admin server', function () {
  this.timeout(60_000);
  let agent: AgentProcess;
  before(async () => { agent = await startAgent(); });
  after(async () => { await agent?.stop(); });

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${agent.adminUrl}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${agent.adminUrl}/readyz`);
    assert.equal(ready.status, 200);
  });

  it('serves the agent telemetry in Prometheus text format on /metrics', async () => {
    // send one span so the receiver counters exist
    const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'x' } }] }, scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'op', kind: 2, startTimeUnixNano: '1544712660000000000', endTimeUnixNano: '1544712661000000000' }] }] }] });
    const res = await fetch(`${agent.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 200);
    const text = await waitFor(async () => {
      const r = await fetch(`${agent.adminUrl}/metrics`);
      const t = await r.text();
      return r.status === 200 && /lookout_receiver_accepted_items_total\{[^}]*signal="traces"[^}]*\} 1\b/.test(t) && t;
    }, { what: 'accepted span counter on /metrics' });
    assert.match(text, /^# TYPE lookout_build_info gauge$/m);
    assert.match(text, /^lookout_build_info\{[^}]*version="[^"]+"/m);
  });

  it('unknown admin paths are 404', async () => {
    const r = await fetch(`${agent.adminUrl}/nope`);
    assert.equal(r.status, 404);
  });

  it('SIGTERM: /readyz turns 503 or the port closes, then exit 0', async () => {
    const code = await agent.stop('SIGTERM');
    assert.equal(code, 0, agent.output());
    assert.match(agent.output(), /"msg":"lookout stopped"/);
  });
});
