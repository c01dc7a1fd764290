/**
 * Time to alert, side by side: one Lookout agent at its defaults
 * (rules.evaluation_interval 5s, group_wait 3s, the default pack) and a
 * Prometheus 2.42 scraping that agent's /metrics every 15s with the same
 * rule file, evaluating every 15s and sending to an Alertmanager 0.25 with
 * group_wait 30s (the tuned central setup of issue 15). A load generator
 * posts 20 server spans/s over OTLP/HTTP to the agent: all fine during the
 * warm-up, then 80 % errors. Both send their notifications to one webhook
 * sink; the bench prints, per alert, the seconds from the switch to the
 * first firing notification each side delivered.
 *
 *   npx tsx bench/alerting/time-to-alert.bench.ts
 *   BENCH_WARMUP_S=90 BENCH_TIMEOUT_S=240 (defaults) bound the run (about 5 minutes).
 * Needs /usr/bin/prometheus and /usr/bin/prometheus-alertmanager. Not part of npm test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { findDefaultPackPath } from '../../agent/rules/default-pack';
import { startAgent } from '../../test/helpers/agent-process';
import { startDaemon } from '../../test/helpers/daemon';
import { waitFor } from '../../test/helpers/wait';
import { AlertmanagerServer, findAlertmanager } from '../../test/compat/alertmanager-diff/alertmanager';
import { WebhookSink } from '../../test/compat/alertmanager-diff/sink';

const ALERTS = ['ErrorBudgetBurnFast', 'HighErrorRate'];

function span(error: boolean, now: number) {
  const id = () => [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('');
  return {
    traceId: id() + id(), spanId: id(), name: 'GET /cart', kind: 2,
    startTimeUnixNano: String((now - 20) * 1e6), endTimeUnixNano: String(now * 1e6),
    status: error ? { code: 2, message: 'boom' } : { code: 0 },
  };
}

/** Posts `perSecond` spans a second (one request each 1000/perSecond ms) until stopped; errorShare() decides each one. */
function loadGenerator(otlpUrl: string, perSecond: number, errorShare: () => number): { stop(): Promise<void> } {
  let stopped = false;
  let n = 0;
  const loop = (async () => {
    const start = Date.now();
    while (!stopped) {
      const now = Date.now();
      const due = Math.floor(((now - start) * perSecond) / 1000) - n;
      const spans = [];
      for (let i = 0; i < due; i++, n++) spans.push(span(((n * 7919) % 100) / 100 < errorShare(), now));
      if (spans.length) {
        await fetch(`${otlpUrl}/v1/traces`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'demo' } }] }, scopeSpans: [{ spans }] }] }),
        }).catch(() => undefined);
      }
      await sleep(50);
    }
  })();
  return { async stop() { stopped = true; await loop; } };
}

async function startPrometheus(agentAdmin: string, amUrl: string): Promise<{ stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lookout-tta-prom-'));
  writeFileSync(path.join(dir, 'prometheus.yml'), stringify({
    global: { scrape_interval: '15s', evaluation_interval: '15s' },
    rule_files: [findDefaultPackPath()],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [new URL(amUrl).host] }] }] },
    scrape_configs: [{ job_name: 'lookout', honor_labels: true, static_configs: [{ targets: [new URL(agentAdmin).host] }] }],
  }));
  const daemon = await startDaemon('/usr/bin/prometheus', (port) => [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { readyPath: '/-/ready', what: 'prometheus', timeoutMs: 60_000 });
  return {
    async stop() {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function run(): Promise<void> {
  const warmup = Number(process.env.BENCH_WARMUP_S ?? 90) * 1000;
  const timeout = Number(process.env.BENCH_TIMEOUT_S ?? 240) * 1000;
  const am = findAlertmanager();
  if (!am) { console.log('skipped: Alertmanager 0.25 not installed'); return; }
  const sink = await WebhookSink.start();
  const route = { group_by: ['alertname', 'service_name'], group_interval: '5m', repeat_interval: '4h' };
  const amServer = await AlertmanagerServer.start(am.alertmanager, stringify({
    route: { receiver: 'hook', group_wait: '30s', ...route },
    receivers: [{ name: 'hook', webhook_configs: [{ url: `${sink.base}/prometheus` }] }],
  }), 'http://alertmanager.example');
  // Lookout at its defaults: no evaluation_interval, no group_wait.
  const agent = await startAgent({
    alerting: { route: { receiver: 'hook', ...route }, receivers: [{ name: 'hook', webhook_configs: [{ url: `${sink.base}/lookout` }] }] },
    log: { level: 'warn' },
  });
  const prom = await startPrometheus(agent.adminUrl, amServer.url);
  let errorShare = 0;
  const load = loadGenerator(agent.otlpUrl, 20, () => errorShare);
  try {
    console.log(`warm-up: ${warmup / 1000}s of 20 requests/s without errors`);
    await sleep(warmup);
    errorShare = 0.8;
    const t0 = Date.now();
    console.log('switched to 80 % errors');
    const firstAt = (side: string, alertname: string) => {
      for (const p of sink.under(`/${side}`)) {
        if (p.status === 'firing' && p.groupLabels.alertname === alertname) return p;
      }
      return undefined;
    };
    const arrivals = new Map<string, number>();
    await waitFor(() => {
      for (const side of ['lookout', 'prometheus']) {
        for (const a of ALERTS) if (!arrivals.has(`${side} ${a}`) && firstAt(side, a)) arrivals.set(`${side} ${a}`, Date.now() - t0);
      }
      return arrivals.size === 2 * ALERTS.length;
    }, { timeoutMs: timeout, intervalMs: 100, what: 'every alert on both sides' }).catch(() => undefined);
    console.log('\n| alert | Lookout (defaults) | Prometheus 2.42 + Alertmanager 0.25 (15s scrape/eval, group_wait 30s) |');
    console.log('| --- | --- | --- |');
    for (const a of ALERTS) {
      const f = (side: string) => { const ms = arrivals.get(`${side} ${a}`); return ms === undefined ? `none within ${timeout / 1000}s` : `${(ms / 1000).toFixed(1)} s`; };
      console.log(`| ${a} | ${f('lookout')} | ${f('prometheus')} |`);
    }
  } finally {
    await load.stop();
    await prom.stop();
    await agent.stop();
    await amServer.stop();
    await sink.close();
  }
}

if (require.main === module) run().catch((err) => { console.error(err); process.exitCode = 1; });
