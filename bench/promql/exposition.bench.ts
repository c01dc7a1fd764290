/**
 * /metrics over a full store: the store's exposition source rendered as the
 * admin server streams it (expositionChunks), over 100 000 series, timing
 * the whole body and the longest the event loop waited meanwhile; then the
 * same with 1 000 series carrying a 64 KB label value (a body of ~64 MB
 * that is never one string). Run: npx tsx bench/promql/exposition.bench.ts
 * Not part of npm test.
 */
import { MemoryStore } from '../../agent/store/memory-store';
import { expositionChunks, renderExposition } from '../../agent/exposition';
import { fill, seriesLabels } from '../store/synthetic';

async function streamed(store: MemoryStore): Promise<{ ms: number; bytes: number; chunks: number; maxGapMs: number }> {
  let last = performance.now();
  let maxGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 1);
  const t0 = performance.now();
  let bytes = 0;
  let chunks = 0;
  for await (const c of expositionChunks(store)) {
    bytes += Buffer.byteLength(c);
    chunks++;
  }
  const ms = performance.now() - t0;
  clearInterval(timer);
  return { ms, bytes, chunks, maxGapMs };
}

export async function run(): Promise<void> {
  const end = 1_700_000_000_000;
  const labels = seriesLabels(true);
  const store = new MemoryStore({ maxSeries: labels.length, now: () => end });
  fill(store, labels, 2, 15_000, end);
  const s0 = performance.now();
  const text = renderExposition(store);
  const syncMs = performance.now() - s0;
  const r = await streamed(store);
  console.log(`/metrics, ${store.seriesCount} series: streamed in ${r.ms.toFixed(0)} ms (${(r.bytes / 1e6).toFixed(1)} MB, ${r.chunks} chunks), `
    + `longest event-loop wait ${r.maxGapMs.toFixed(1)} ms; one synchronous string: ${syncMs.toFixed(0)} ms (${(text.length / 1e6).toFixed(1)} MB)`);

  const big = new MemoryStore({ now: () => end });
  const blob = 'x'.repeat(64 * 1024);
  for (let i = 0; i < 1000; i++) big.append({ __name__: 'big_labels', id: String(i), blob }, end, i);
  const b = await streamed(big);
  console.log(`/metrics, 1000 series with a 64 KB label: streamed in ${b.ms.toFixed(0)} ms (${(b.bytes / 1e6).toFixed(1)} MB, ${b.chunks} chunks), longest event-loop wait ${b.maxGapMs.toFixed(1)} ms`);
}

if (require.main === module) run().catch((err) => { console.error(err); process.exitCode = 1; });
