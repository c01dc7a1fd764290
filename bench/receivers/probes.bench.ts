/**
 * Probes overhead: CPU and wall time per HTTP and TCP probe against a
 * loopback server, and what that costs at a realistic schedule (20 targets
 * every 15 s). Not part of `npm test`. Run: npx tsx bench/receivers/probes.bench.ts
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import express from 'express';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { Host } from '../../agent/component/component';
import { MemoryStore } from '../../agent/store';
import { ProbesReceiver, probesConfigSchema } from '../../agent/receivers/probes';

async function measure(targets: unknown[], rounds: number): Promise<{ cpuMsPerProbe: number; wallMsPerRound: number }> {
  const provider = new MeterProvider();
  const host: Host = {
    logger: pino({ level: 'silent' }), meter: provider.getMeter('bench'), adminRouter: express.Router(),
    registerMetricsSource: () => undefined, storageDir: '/tmp',
  };
  const store = new MemoryStore();
  const r = new ProbesReceiver('probes', probesConfigSchema.parse({ interval: '1h', timeout: '2s', targets }), { appender: store.budgetedAppender('probes') });
  await r.start(host);
  await r.probeAll();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) await r.probeAll();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  await r.shutdown();
  await provider.shutdown();
  return { cpuMsPerProbe: (cpu.user + cpu.system) / 1000 / (rounds * targets.length), wallMsPerRound: wall / rounds };
}

export async function run(): Promise<void> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const tcp = net.createServer((s) => s.end());
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const N = 20;
  const httpTargets = Array.from({ length: N }, (_, i) => ({ target: `${base}/health?i=${i}`, http: { fail_if_body_not_matches_regexp: ['"ok"'] } }));
  const tcpTargets = Array.from({ length: N }, (_, i) => ({ prober: 'tcp', target: `127.0.0.1:${(tcp.address() as AddressInfo).port}`, labels: { i: String(i) } }));
  const h = await measure(httpTargets, 50);
  const t = await measure(tcpTargets, 50);
  server.closeAllConnections();
  server.close();
  tcp.close();
  const share = (ms: number) => `${((ms * N) / 15_000 * 100).toFixed(3)} % of a core for ${N} targets every 15s`;
  console.log(`http probe  ${h.cpuMsPerProbe.toFixed(3)} ms CPU/probe, ${N} in parallel: ${h.wallMsPerRound.toFixed(1)} ms wall  -> ${share(h.cpuMsPerProbe)}`);
  console.log(`tcp probe   ${t.cpuMsPerProbe.toFixed(3)} ms CPU/probe, ${N} in parallel: ${t.wallMsPerRound.toFixed(1)} ms wall  -> ${share(t.cpuMsPerProbe)}`);
}

if (require.main === module) run().catch((err) => { console.error(err); process.exitCode = 1; });
