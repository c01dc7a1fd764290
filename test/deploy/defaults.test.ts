/**
 * The defaults a user gets without writing any alerting config: OTLP/gRPC
 * on 4317 next to OTLP/HTTP on 4318 (the Collector's and every SDK's
 * convention), and alerts that reach someone: a firing default-pack alert
 * prints one warn line on stdout (the built-in log receiver), is listed by
 * /api/v2/alerts, and a start-up warning says nothing routes alerts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { defaultConfig } from '../../agent/config/load';
import { freePort, startAgent, type AgentProcess } from '../helpers/agent-process';
import { repoRoot } from '../helpers/repo';
import { waitFor } from '../helpers/wait';

/** A tracer exporting through the real OTel gRPC exporter to `grpcAddress`. */
function grpcTracer(grpcAddress: string, service: string) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `http://${grpcAddress}` }), { scheduledDelayMillis: 100 })],
  });
  return { tracer: provider.getTracer('defaults-test'), provider };
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function metricValue(adminUrl: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  return [...text.matchAll(pattern)].reduce((n, m) => n + Number(m[1]), 0);
}

describe('defaults: gRPC on 4317 and alerts that reach someone', function () {
  this.timeout(90_000);

  it('the embedded default config listens for OTLP/gRPC on 127.0.0.1:4317 next to OTLP/HTTP on 4318', () => {
    const { config } = defaultConfig();
    assert.equal(config.receivers.otlp.grpc?.endpoint, '127.0.0.1:4317');
    assert.equal(config.receivers.otlp.http?.endpoint, '127.0.0.1:4318');
    assert.equal(config.alerting.route, undefined, 'no alerting config: the built-in log receiver takes the alerts');
  });

  it('`lookout run` with no config receives from the real OTel gRPC exporter on 4317', async function () {
    const fixed = [4317, 4318, 9464];
    const busy = [];
    for (const p of fixed) if (!(await portFree(p))) busy.push(p);
    if (busy.length) {
      // The next test runs the same default on free ports (only the ports differ).
      this.skip();
    }
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'lookout-default-'));
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(repoRoot, 'agent/cli/main.ts'), 'run'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const { tracer, provider } = grpcTracer('127.0.0.1:4317', 'grpc-default');
    try {
      await waitFor(async () => (await fetch('http://127.0.0.1:9464/readyz').catch(() => undefined))?.status === 200, { timeoutMs: 30_000, what: `default agent ready; output:\n${out}` });
      tracer.startSpan('GET /', { kind: SpanKind.SERVER }).end();
      await provider.forceFlush();
      const accepted = await metricValue('http://127.0.0.1:9464', /^lookout_receiver_accepted_items_total\{[^}]*signal="traces"[^}]*transport="grpc"[^}]*\} (\d+)/gm);
      assert.equal(accepted, 1, out);
    } finally {
      await provider.shutdown();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  describe('no alerting config, default rule pack (ports overridden, everything else default)', () => {
    let agent: AgentProcess;
    let grpcPort = 0;
    before(async () => {
      grpcPort = await freePort();
      const httpPort = await freePort();
      agent = await startAgent({
        receivers: { otlp: { http: { endpoint: `127.0.0.1:${httpPort}` }, grpc: { endpoint: `127.0.0.1:${grpcPort}` } } },
        // The pack's HighErrorRate as shipped, minus its `for: 1m` wait, evaluated every second.
        rules: { evaluation_interval: '1s', default_pack: { overrides: { HighErrorRate: { for: '0s' } } } },
      }, { otlpPort: httpPort });
    });
    after(async () => { await agent?.stop(); });

    it('warns at start-up that nothing routes the rules\' alerts', () => {
      const warn = agent.logs().find((l) => l.level === 'warn' && /nothing routes their alerts/.test(String(l.msg)));
      assert.ok(warn, agent.output());
      assert.match(String(warn.msg), /alerting\.route/);
    });

    it('a firing HighErrorRate prints one readable warn line on stdout and is listed by /api/v2/alerts', async () => {
      const { tracer, provider } = grpcTracer(`127.0.0.1:${grpcPort}`, 'shop');
      let driving = true;
      const drive = (async () => {
        while (driving) {
          for (let i = 0; i < 20; i++) {
            const span = tracer.startSpan('GET /cart', { kind: SpanKind.SERVER });
            if (i % 2) span.setStatus({ code: SpanStatusCode.ERROR });
            span.end();
          }
          await provider.forceFlush();
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      try {
        const line = await waitFor(() => agent.logs().find((l) => l.component === 'alerting/log' && /HighErrorRate/.test(String(l.msg))),
          { timeoutMs: 60_000, what: `the log receiver's line; output:\n${agent.output().slice(-3000)}` });
        assert.equal(line.level, 'warn');
        assert.match(String(line.msg), /^\[FIRING:1\] HighErrorRate .*shop: \d+(\.\d+)?% of requests fail/);
        const rawLine = agent.output().split('\n').find((l) => l.includes('"alerting/log"'))!;
        assert.ok(!rawLine.includes('\n'), 'one line');
        const alerts = await (await fetch(`${agent.adminUrl}/api/v2/alerts`)).json() as { labels: Record<string, string>; receivers: { name: string }[] }[];
        const high = alerts.find((a) => a.labels.alertname === 'HighErrorRate');
        assert.ok(high, JSON.stringify(alerts));
        assert.deepEqual(high.receivers, [{ name: 'log' }]);
        const accepted = await metricValue(agent.adminUrl, /^lookout_receiver_accepted_items_total\{[^}]*signal="traces"[^}]*transport="grpc"[^}]*\} (\d+)/gm);
        assert.ok(accepted > 0, 'the spans came in over gRPC');
      } finally {
        driving = false;
        await drive;
        await provider.shutdown();
      }
    });
  });
});
