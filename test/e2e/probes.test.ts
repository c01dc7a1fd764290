/**
 * receivers.probes end to end: a real agent probes a live HTTP endpoint, a
 * dead port and a slow one; the blackbox series answer /api/v1/query, and
 * the default pack's TargetDown (its `for` shortened through
 * rules.default_pack.overrides) fires for the failing targets only.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, startAgent, type AgentProcess } from '../helpers/agent-process';
import { waitFor } from '../helpers/wait';

interface VectorResult { metric: Record<string, string>; value: [number, string] }

async function query(agent: AgentProcess, q: string): Promise<VectorResult[]> {
  const res = await fetch(`${agent.adminUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = await res.json() as { status: string; data: { result: VectorResult[] } };
  assert.equal(body.status, 'success', JSON.stringify(body));
  return body.data.result;
}

describe('e2e: probes receiver', function () {
  this.timeout(60_000);
  let app: http.Server;
  let base: string;
  let agent: AgentProcess | undefined;

  before(async () => {
    app = http.createServer((req, res) => {
      if (req.url === '/health') res.writeHead(200).end('{"status":"ok"}');
      // never answers: past the probe's timeout
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  after(async () => {
    await agent?.stop('SIGKILL');
    app.closeAllConnections();
    await new Promise((r) => app.close(r));
  });

  it('blackbox series on /api/v1/query; TargetDown fires for the dead and the slow target only', async () => {
    const dead = `http://127.0.0.1:${await freePort()}/health`;
    agent = await startAgent({
      receivers: {
        otlp: { http: { endpoint: `127.0.0.1:${await freePort()}` } },
        probes: {
          interval: '1s',
          timeout: '500ms',
          targets: [
            { target: `${base}/health`, http: { fail_if_body_not_matches_regexp: ['"ok"'] } },
            { target: dead },
            { target: `${base}/slow` },
          ],
        },
      },
      rules: { evaluation_interval: '1s', default_pack: { overrides: { TargetDown: { for: '2s' } } } },
    });
    const a = agent;
    await waitFor(async () => (await query(a, 'probe_success')).length === 3, { what: 'three probe_success series' });
    const success = Object.fromEntries((await query(a, 'probe_success')).map((r) => [r.metric.instance, r.value[1]]));
    assert.deepEqual(success, { [`${base}/health`]: '1', [dead]: '0', [`${base}/slow`]: '0' });
    const live = await query(a, `probe_http_status_code{instance="${base}/health"}`);
    assert.equal(live[0].value[1], '200');
    assert.equal(live[0].metric.job, 'probes');
    const phases = (await query(a, `probe_http_duration_seconds{instance="${base}/health"}`)).map((r) => r.metric.phase).sort();
    assert.deepEqual(phases, ['connect', 'processing', 'resolve', 'tls', 'transfer']);
    const slow = await query(a, `probe_duration_seconds{instance="${base}/slow"}`);
    assert.ok(Number(slow[0].value[1]) >= 0.45 && Number(slow[0].value[1]) < 1, `slow probe took ${slow[0].value[1]} s`);

    const firing = await waitFor(async () => {
      const res = await (await fetch(`${a.adminUrl}/api/v1/alerts`)).json() as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
      const down = res.data.alerts.filter((x) => x.labels.alertname === 'TargetDown' && x.state === 'firing');
      return down.length === 2 ? down : undefined;
    }, { timeoutMs: 20_000, what: 'TargetDown firing for two targets' });
    assert.deepEqual(firing.map((x) => x.labels.instance).sort(), [dead, `${base}/slow`].sort());
    assert.equal(firing[0].labels.severity, 'critical');
  });
});
