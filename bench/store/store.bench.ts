/**
 * Store benchmark: ingest rate and memory per series for 100 000 series
 * (default one hour at a 60 s interval; BENCH_SAMPLES / BENCH_INTERVAL_MS to
 * change), and select() latency. Run: npx tsx bench/store/store.bench.ts
 * Not part of npm test.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { MemoryStore } from '../../agent/store/memory-store';
import { fill, seriesLabels } from './synthetic';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
}

export async function run(): Promise<void> {
  const samples = Number(process.env.BENCH_SAMPLES ?? 60);
  const interval = Number(process.env.BENCH_INTERVAL_MS ?? 60_000);
  const labels = seriesLabels();
  const end = 1_700_000_000_000;
  const before = heapUsed();
  // Room above the series for the ALERTS reserve (1 % of max_series), which these series may not take.
  const store = new MemoryStore({ maxSeries: Math.ceil(labels.length / 0.99) + 1, retentionMs: 3600_000, now: () => end });
  const firstPass = fill(store, labels.map((l) => ({ ...l })), 1, interval, end - samples * interval);
  const rate = fill(store, labels, samples, interval, end);
  const after = heapUsed();
  const stats = store.stats();
  const perSeries = (after - before) / labels.length;
  console.log(`series:                 ${stats.series}`);
  console.log(`samples:                ${stats.samples} (${samples} per series every ${interval / 1000}s, after 1 to create)`);
  console.log(`series creation rate:   ${Math.round(firstPass).toLocaleString('en')} appends/s`);
  console.log(`ingest rate:            ${Math.round(rate).toLocaleString('en')} samples/s`);
  console.log(`memory per series:      ${Math.round(perSeries)} bytes (heap + array buffers, labels and index included)`);
  console.log(`sample data per sample: ${(stats.sampleBytes / stats.samples).toFixed(2)} bytes (raw heads + compressed chunks)`);

  const t0 = process.hrtime.bigint();
  let n = 0;
  for (let r = 0; r < 200; r++) {
    n += store.select([
      { name: '__name__', type: '=', value: `app_requests_${r % 40}_total` },
      { name: 'http_response_status_code', type: '=~', value: '5..' },
    ], end - 5 * 60_000, end).length;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`select (name + regex, 5m window): ${(ms / 200).toFixed(2)} ms per call, ${n / 200} series each`);
  const c0 = process.hrtime.bigint();
  store.compact(end + 30 * 60_000);
  console.log(`compact (drop ~half the chunks): ${(Number(process.hrtime.bigint() - c0) / 1e6).toFixed(0)} ms`);
}

if (require.main === module) run().catch((err) => { console.error(err); process.exitCode = 1; });
