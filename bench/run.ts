/**
 * Runs every benchmark in one process, one after another (`npm run bench`).
 * Results are ratios against a baseline measured in the same run, so they
 * compare across machines; never part of `npm test`.
 */
import { run as receiver } from './receivers/otlp/receiver.bench';
import { run as exporter } from './exporters/otlp/exporter.bench';
import { run as spanmetrics } from './connectors/spanmetrics.bench';
import { run as store } from './store/store.bench';
import { run as engine } from './promql/engine.bench';
import { run as regex } from './regex/matcher.bench';
import { run as exposition } from './promql/exposition.bench';
import { run as isolation } from './promql/isolation.bench';
import { run as vsPrometheus } from './promql/vs-prometheus.bench';
import { run as attacks } from './limits/attacks.bench';
import { run as footprint } from './limits/footprint.bench';
import { run as diskQueue } from './queue/disk-queue.bench';
import { run as storeRestart } from './store/restart.bench';
import { run as scrape } from './receivers/prometheus/scrape.bench';
import { run as remoteWrite } from './exporters/prometheusremotewrite/encode.bench';
import { run as processors } from './processors/processors.bench';
import { run as evalCost } from './alerting/eval-cost.bench';
import { run as timeToAlert } from './alerting/time-to-alert.bench';
import { run as batchProcessor } from './processors/batch.bench';
import { run as filelog } from './receivers/filelog.bench';
import { run as probes } from './receivers/probes.bench';
import { run as preload } from './instrumentation/preload.bench';
import { run as testbed } from './ingest/testbed.bench';
import { run as redactionPrescan } from './processors/redaction-prescan.bench';

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  console.log('== OTLP receiver ==');
  await receiver(seconds);
  console.log('\n== OTLP exporter ==');
  await exporter(seconds);
  console.log('\n== spanmetrics connector ==');
  await spanmetrics(seconds);
  console.log('\n== store (100 000 series) ==');
  await store();
  console.log('\n== PromQL engine ==');
  await engine();
  console.log('\n== PromQL vs Prometheus 2.42 (same data, answers compared) ==');
  await vsPrometheus();
  console.log('\n== regex engines (matchers, ReDoS, body search) ==');
  await regex(seconds / 3);
  console.log('\n== /metrics exposition ==');
  await exposition();
  console.log('\n== query isolation (agent process) ==');
  await isolation(Math.max(seconds, 20));
  console.log('\n== RSS under attack (real agent process) ==');
  await attacks();
  console.log('\n== footprint: idle RSS and RSS under a steady OTLP load, V8 young-generation sizes (built agent) ==');
  await footprint(Math.max(seconds, 10));
  console.log('\n== exporter queue: disk vs memory ==');
  await diskQueue(seconds);
  console.log('\n== store WAL: restart at 100 000 series ==');
  await storeRestart();
  console.log('\n== Prometheus scrape (10 000 series) ==');
  await scrape(seconds);
  console.log('\n== Prometheus remote write (encode, deliver) ==');
  await remoteWrite(seconds);
  console.log('\n== processors: redaction, attributes, filter ==');
  await processors(seconds);
  console.log('\n== rule evaluation cost (default pack, 100 000 series) ==');
  await evalCost();
  console.log('\n== time to alert (Lookout vs Prometheus + Alertmanager) ==');
  await timeToAlert();
  console.log('\n== batch processor, fan-out copies ==');
  await batchProcessor(seconds);
  console.log('\n== filelog receiver (lines/s) ==');
  await filelog(seconds / 3);
  console.log('\n== probes overhead ==');
  await probes();
  console.log('\n== app cost of the preload: bare vs stock auto-instrumentations-node/register vs Lookout ==');
  await preload(seconds);
  console.log('\n== redaction pre-scan vs walk (received bytes of clean requests) ==');
  redactionPrescan();
  console.log('\n== ingest at the Collector testbed load (real agent from dist/, export on) ==');
  await testbed();
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
