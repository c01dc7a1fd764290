/**
 * Runs every benchmark in one process, one after another (`npm run bench`).
 * Results are ratios against a baseline measured in the same run, so they
 * compare across machines; never part of `npm test`.
 */
import { run as receiver } from './receivers/otlp/receiver.bench';
import { run as exporter } from './exporters/otlp/exporter.bench';
import { run as spanmetrics } from './connectors/spanmetrics.bench';

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  console.log('== OTLP receiver ==');
  await receiver(seconds);
  console.log('\n== OTLP exporter ==');
  await exporter(seconds);
  console.log('\n== spanmetrics connector ==');
  await spanmetrics(seconds);
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
